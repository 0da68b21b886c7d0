namespace FastLb.Proxy.Metrics;

/// <summary>The <c>status_class</c> label of the request counter.</summary>
internal static class StatusClass
{
    /// <summary>Number of classes: 1xx to 5xx, and <c>error</c> for no response.</summary>
    public const int Count = 6;

    /// <summary>Label values, indexed by <see cref="Of"/>.</summary>
    public static readonly string[] Labels = ["1xx", "2xx", "3xx", "4xx", "5xx", "error"];

    /// <summary>Index of <paramref name="status"/>'s class; 0 (no response) and anything odd count as <c>error</c>.</summary>
    public static int Of(int status) => status is >= 100 and <= 599 ? (status / 100) - 1 : Count - 1;
}

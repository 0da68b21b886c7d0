namespace FastLb.Load;

/// <summary>One kind of request in a mix file, sent with probability weight / total weight.</summary>
public sealed class MixEntry
{
    /// <summary>Relative frequency; must be positive.</summary>
    public double Weight { get; set; } = 1;

    /// <summary>HTTP method, GET by default.</summary>
    public string Method { get; set; } = "GET";

    /// <summary>Path and query, relative to the target URL, e.g. /api/inventory/products?limit=20.</summary>
    public string Path { get; set; } = "/";

    /// <summary>Request body (JSON), or none.</summary>
    public string? Body { get; set; }

    /// <summary>Extra request headers.</summary>
    public Dictionary<string, string> Headers { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

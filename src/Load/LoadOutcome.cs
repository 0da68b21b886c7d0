namespace FastLb.Load;

/// <summary>How one request ended.</summary>
public enum LoadOutcome
{
    /// <summary>An HTTP response came back (any status).</summary>
    Response,

    /// <summary>No response within the request timeout.</summary>
    Timeout,

    /// <summary>The connection could not be made, or broke before a response.</summary>
    Transport,

    /// <summary>Not sent: more requests than the in-flight bound were waiting (open loop only).</summary>
    Dropped,
}

namespace FastLb.Policy;

/// <summary>Why a request got no complete response from its backend; the request log's <c>error</c> column.</summary>
public enum OutcomeError : byte
{
    /// <summary>A response came back (whatever its status).</summary>
    None = 0,
    /// <summary>The backend refused or did not accept the connection.</summary>
    Connect,
    /// <summary>No response head within the timeout.</summary>
    Timeout,
    /// <summary>The connection was reset or closed mid-exchange.</summary>
    Reset,
    /// <summary>The backend broke HTTP framing.</summary>
    Protocol,
}

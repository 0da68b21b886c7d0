namespace FastLb.Backends.Orders;

/// <summary>How a call to another service ended: its HTTP status and body, or status 0 with the transport error (timeout, refused).</summary>
internal sealed record CallResult(int Status, string Body, string? Error)
{
    /// <summary>Whether the service answered 2xx.</summary>
    public bool IsSuccess => Status is >= 200 and < 300;

    /// <summary>Whether the outcome is unknown or a server fault (worth a retry when the call is idempotent).</summary>
    public bool IsRetryable => Status == 0 || Status >= 500;
}

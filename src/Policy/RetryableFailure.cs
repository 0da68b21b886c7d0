namespace FastLb.Policy;

/// <summary>How an attempt failed, as far as <see cref="RetryRule"/> is concerned.</summary>
public enum RetryableFailure
{
    /// <summary>Not retryable: the request may have reached the backend's application, or nothing failed.</summary>
    None,

    /// <summary>The connect was refused or timed out: the backend never saw the request.</summary>
    ConnectFailed,

    /// <summary>A kept-alive connection turned out closed by the backend before any response byte, and the request had no body: it can be sent again whole.</summary>
    ConnectionClosed,
}

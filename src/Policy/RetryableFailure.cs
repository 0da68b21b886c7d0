namespace FastLb.Policy;

/// <summary>How an attempt failed, as far as <see cref="RetryRule"/> is concerned.</summary>
public enum RetryableFailure
{
    /// <summary>Not retryable: nothing failed, or the failure is not one a retry may follow.</summary>
    None,

    /// <summary>The connect was refused or timed out: the backend never saw the request. Always retryable.</summary>
    ConnectFailed,

    /// <summary>A kept-alive connection turned out closed by the backend before any response byte: nothing reached the backend, the request can be sent again whole. Always retryable.</summary>
    ConnectionClosed,

    /// <summary>503 with <c>Retry-After: 0</c>: the backend says it did not act and asks for another try now. Always retryable.</summary>
    RefusedNow,

    /// <summary>A fresh connection was reset or closed before any response byte. Retryable for idempotent methods.</summary>
    Reset,

    /// <summary>No response head within the response-head timeout. Retryable for idempotent methods where the route retries on timeout.</summary>
    Timeout,

    /// <summary>A response status the route retries on (such as 502, 503, 504). Retryable for idempotent methods.</summary>
    Status,
}

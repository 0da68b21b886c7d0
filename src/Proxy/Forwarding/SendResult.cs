namespace FastLb.Proxy.Forwarding;

/// <summary>What became of the upstream connection after one exchange.</summary>
internal enum SendResult : byte
{
    /// <summary>The exchange ended cleanly and the connection can serve another request.</summary>
    Reusable,

    /// <summary>The connection must be closed.</summary>
    Close,

    /// <summary>A pooled connection was found closed before any byte of the request was accepted: send again on a fresh one.</summary>
    RetryOnFreshConnection,
}

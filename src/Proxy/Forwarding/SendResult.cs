namespace FastLb.Proxy.Forwarding;

/// <summary>What became of the upstream connection after one exchange.</summary>
internal enum SendResult : byte
{
    /// <summary>The exchange ended cleanly and the connection can serve another request.</summary>
    Reusable,

    /// <summary>The connection must be closed.</summary>
    Close,

    /// <summary>The attempt failed before anything was relayed to the client and a retry was granted (<see cref="Exchange.RetryFailure"/> says why): close the connection and try again.</summary>
    Retry,
}

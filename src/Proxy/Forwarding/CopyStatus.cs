namespace FastLb.Proxy.Forwarding;

/// <summary>How copying a body (or a tunnel direction) ended.</summary>
internal enum CopyStatus : byte
{
    /// <summary>The whole body went through.</summary>
    Done,

    /// <summary>The source ended before the body did.</summary>
    SourceEnded,

    /// <summary>The destination stopped reading (closed or reset).</summary>
    DestinationGone,

    /// <summary>The chunked framing was invalid; see the reject reason.</summary>
    Malformed,

    /// <summary>The body exceeded the size limit.</summary>
    TooLarge,
}

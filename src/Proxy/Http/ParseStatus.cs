namespace FastLb.Proxy.Http;

/// <summary>Outcome of one parse or scan attempt over the bytes received so far.</summary>
internal enum ParseStatus : byte
{
    /// <summary>The message part is complete and valid.</summary>
    Complete,

    /// <summary>Nothing wrong so far, but more bytes are needed; nothing of an incomplete head may be consumed.</summary>
    NeedMoreData,

    /// <summary>The bytes can never become a valid message; the reason says why.</summary>
    Rejected,
}

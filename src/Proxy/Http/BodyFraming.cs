namespace FastLb.Proxy.Http;

/// <summary>How the end of a message body is found (RFC 9112 6.3).</summary>
internal enum BodyFraming : byte
{
    /// <summary>No body follows the head.</summary>
    None,

    /// <summary>Exactly <c>ContentLength</c> bytes follow.</summary>
    ContentLength,

    /// <summary>A chunked body follows (RFC 9112 7.1); validate it with <see cref="ChunkedBodyScanner"/>.</summary>
    Chunked,

    /// <summary>The body runs until the sender closes the connection (responses only).</summary>
    CloseDelimited,
}

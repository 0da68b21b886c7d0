namespace FastLb.Proxy.Http;

/// <summary>The HTTP versions the proxy speaks on the wire (RFC 9112 2.3).</summary>
internal enum HttpVersion : byte
{
    /// <summary>HTTP/1.0.</summary>
    Http10,

    /// <summary>HTTP/1.1.</summary>
    Http11,
}

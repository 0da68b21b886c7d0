namespace FastLb.Proxy.Http;

/// <summary>Header fields the proxy acts on, recognised case-insensitively (RFC 9110 5.1); the rest are <see cref="Other"/>.</summary>
internal enum KnownHeader : byte
{
    /// <summary>Any field the proxy only passes through.</summary>
    Other,

    /// <summary><c>Host</c> (RFC 9110 7.2).</summary>
    Host,

    /// <summary><c>Content-Length</c> (RFC 9110 8.6).</summary>
    ContentLength,

    /// <summary><c>Transfer-Encoding</c> (RFC 9112 6.1).</summary>
    TransferEncoding,

    /// <summary><c>Connection</c> (RFC 9110 7.6.1).</summary>
    Connection,

    /// <summary><c>Keep-Alive</c> (RFC 2068 19.7.1, hop-by-hop).</summary>
    KeepAlive,

    /// <summary><c>Proxy-Connection</c> (non-standard, hop-by-hop).</summary>
    ProxyConnection,

    /// <summary><c>TE</c> (RFC 9110 10.1.4).</summary>
    Te,

    /// <summary><c>Trailer</c> (RFC 9110 6.6.2).</summary>
    Trailer,

    /// <summary><c>Upgrade</c> (RFC 9110 7.8).</summary>
    Upgrade,

    /// <summary><c>Expect</c> (RFC 9110 10.1.1).</summary>
    Expect,

    /// <summary><c>X-Forwarded-For</c> (de facto).</summary>
    XForwardedFor,

    /// <summary><c>X-Forwarded-Proto</c> (de facto).</summary>
    XForwardedProto,

    /// <summary><c>X-Request-Id</c> (de facto).</summary>
    XRequestId,
}

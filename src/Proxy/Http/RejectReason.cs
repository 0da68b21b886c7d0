namespace FastLb.Proxy.Http;

/// <summary>Why a head or chunked body was refused; <see cref="RejectReasons"/> maps each to a status code and a metric label.</summary>
internal enum RejectReason : byte
{
    /// <summary>Not rejected.</summary>
    None,

    /// <summary>The request line is not <c>method SP target SP HTTP-version CRLF</c> (RFC 9112 3).</summary>
    MalformedRequestLine,

    /// <summary>The method is not a token (RFC 9110 9.1).</summary>
    InvalidMethod,

    /// <summary>The request-target has a forbidden byte or form (RFC 9112 3.2).</summary>
    InvalidTarget,

    /// <summary>A well-formed HTTP version other than 1.0 and 1.1 (RFC 9110 15.6.6, 505).</summary>
    UnsupportedVersion,

    /// <summary>A field line without a colon or with an empty name (RFC 9112 5).</summary>
    MalformedHeader,

    /// <summary>Whitespace between a field name and its colon (RFC 9112 5.1).</summary>
    WhitespaceBeforeColon,

    /// <summary>A line folded onto the previous one (obs-fold, RFC 9112 5.2).</summary>
    ObsFold,

    /// <summary>A control character or non-tchar in a field name or value (RFC 9110 5.1, 5.5).</summary>
    InvalidHeaderCharacter,

    /// <summary>A CR not followed by LF (RFC 9112 2.2).</summary>
    BareCr,

    /// <summary>An LF not preceded by CR (RFC 9112 2.2; strict on purpose).</summary>
    BareLf,

    /// <summary>The head does not fit in maxHeaderBytes (RFC 6585 5, 431).</summary>
    HeaderTooLarge,

    /// <summary>More field lines than maxHeaders (RFC 6585 5, 431).</summary>
    TooManyHeaders,

    /// <summary>An HTTP/1.1 request without Host (RFC 9112 3.2).</summary>
    MissingHost,

    /// <summary>More than one Host field line (RFC 9112 3.2).</summary>
    DuplicateHost,

    /// <summary>Connection names Content-Length, Transfer-Encoding or Host, whose removal as hop-by-hop would change framing or routing (RFC 9110 7.6.1).</summary>
    ForbiddenConnectionOption,

    /// <summary>A Host value (or absolute-form authority) that is not <c>host [":" port]</c> (RFC 9110 7.2, RFC 3986 3.2).</summary>
    InvalidHost,

    /// <summary>Both Content-Length and Transfer-Encoding (RFC 9112 6.1, 6.3; request smuggling).</summary>
    ContentLengthAndTransferEncoding,

    /// <summary>Several Content-Length values that differ, or in a request several at all, even equal (RFC 9110 8.6, RFC 9112 6.3).</summary>
    ConflictingContentLength,

    /// <summary>A Content-Length that is not 1*DIGIT or overflows (RFC 9110 8.6).</summary>
    InvalidContentLength,

    /// <summary>A request whose final transfer coding is not chunked (RFC 9112 6.3).</summary>
    TransferEncodingNotChunked,

    /// <summary>A Transfer-Encoding list that is empty, not tokens, or applies chunked twice (RFC 9112 6.1, 7).</summary>
    InvalidTransferEncoding,

    /// <summary>Transfer-Encoding in an HTTP/1.0 message (RFC 9112 6.1).</summary>
    TransferEncodingInHttp10,

    /// <summary>A chunk-size that is not 1*HEXDIG or overflows (RFC 9112 7.1).</summary>
    InvalidChunkSize,

    /// <summary>A chunk-ext that is not <c>;name[=token/quoted-string]</c> (RFC 9112 7.1.1).</summary>
    InvalidChunkExtension,

    /// <summary>A chunk-size line longer than the scanner's bound (RFC 9112 7.1.1 lets recipients limit it).</summary>
    ChunkExtensionTooLong,

    /// <summary>Chunk data not followed by CRLF (RFC 9112 7.1).</summary>
    InvalidChunkTerminator,

    /// <summary>A malformed trailer field line (RFC 9112 7.1.2).</summary>
    InvalidTrailer,

    /// <summary>The trailer section exceeds the scanner's bound (RFC 9112 7.1.2).</summary>
    TrailerTooLarge,

    /// <summary>CONNECT: tunnels are not proxied (RFC 9110 9.3.6, 501).</summary>
    MethodNotSupported,

    /// <summary>The body exceeds maxBodyBytes; set by the caller (RFC 9110 15.5.14, 413).</summary>
    BodyTooLarge,

    /// <summary>The status line is not <c>HTTP/1.x SP 3DIGIT SP reason CRLF</c> (RFC 9112 4).</summary>
    MalformedStatusLine,
}

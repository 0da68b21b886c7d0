namespace FastLb.Proxy.Configuration;

/// <summary>The JWS algorithms the proxy verifies (RFC 7518 3.1); anything else, <c>none</c> included, is refused.</summary>
internal enum JwtAlgorithm
{
    /// <summary>HMAC with SHA-256 over a shared secret.</summary>
    HS256,

    /// <summary>RSASSA-PKCS1-v1_5 with SHA-256.</summary>
    RS256,
}

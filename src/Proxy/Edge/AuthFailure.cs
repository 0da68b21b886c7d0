namespace FastLb.Proxy.Edge;

/// <summary>Why a request was refused by a route's JWT check (the <c>reason</c> label of <c>fastlb_auth_rejected_total</c>).</summary>
internal enum AuthFailure
{
    /// <summary>Not refused.</summary>
    None,

    /// <summary>No <c>Authorization: Bearer</c> token (401 without an error code, RFC 6750 3.1).</summary>
    Missing,

    /// <summary>Not three base64url parts of JSON, a claim of the wrong type, or a subject or role that cannot travel in a header.</summary>
    Malformed,

    /// <summary>An <c>alg</c> other than HS256 and RS256 (<c>none</c> included), or critical extensions.</summary>
    Algorithm,

    /// <summary>No configured key of the token's algorithm and <c>kid</c>.</summary>
    UnknownKey,

    /// <summary>The signature does not verify.</summary>
    Signature,

    /// <summary>Past <c>exp</c> (beyond the skew).</summary>
    Expired,

    /// <summary>No <c>exp</c> claim: a token must expire.</summary>
    NoExpiry,

    /// <summary>Before <c>nbf</c> (beyond the skew).</summary>
    NotYetValid,

    /// <summary><c>iss</c> is not the configured issuer.</summary>
    Issuer,

    /// <summary><c>aud</c> does not contain the configured audience.</summary>
    Audience,

    /// <summary>A valid token without every required role: 403.</summary>
    Role,
}

namespace FastLb.Proxy.Configuration;

/// <summary>One token-signing key given in the config.</summary>
internal sealed class JwtKeyOptions
{
    /// <summary>Key id, matched against a token's <c>kid</c>; null matches tokens without one, or any when none names one.</summary>
    public string? Kid { get; set; }

    /// <summary><c>HS256</c> or <c>RS256</c>.</summary>
    public string? Alg { get; set; }

    /// <summary>HS256: the shared secret as text (UTF-8), at least 32 bytes.</summary>
    public string? Secret { get; set; }

    /// <summary>RS256: the public key in PEM (<c>BEGIN PUBLIC KEY</c> or <c>BEGIN RSA PUBLIC KEY</c>).</summary>
    public string? PublicKeyPem { get; set; }
}

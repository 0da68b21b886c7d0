namespace FastLb.Proxy.Configuration;

/// <summary>A route's JWT check as bound (<c>routes[].jwt</c>): which keys sign tokens, which claims must hold, which headers carry the result.</summary>
internal sealed class JwtOptions
{
    /// <summary>Keys given in the config.</summary>
    public List<JwtKeyOptions> Keys { get; set; } = [];

    /// <summary>A JWKS file (RFC 7517) with more keys: <c>RSA</c> keys (<c>n</c>, <c>e</c>) and <c>oct</c> keys (<c>k</c>); read at start and on every reload, and again when it changes.</summary>
    public string? JwksPath { get; set; }

    /// <summary>The <c>iss</c> a token must carry; null accepts any.</summary>
    public string? Issuer { get; set; }

    /// <summary>A value the token's <c>aud</c> (string or array) must contain; null accepts any.</summary>
    public string? Audience { get; set; }

    /// <summary>Slack allowed on <c>exp</c> and <c>nbf</c>, for clocks that disagree a little.</summary>
    public int ClockSkewSeconds { get; set; } = 30;

    /// <summary>Roles the token must all carry (else 403); empty requires none.</summary>
    public List<string> RequiredRoles { get; set; } = [];

    /// <summary>The claim holding the roles: an array of strings or one space-separated string.</summary>
    public string RolesClaim { get; set; } = "roles";

    /// <summary>Header the verified <c>sub</c> is forwarded in; a client's copy is removed.</summary>
    public string SubjectHeader { get; set; } = "X-Auth-Subject";

    /// <summary>Header the verified roles are forwarded in, comma-separated; a client's copy is removed.</summary>
    public string RolesHeader { get; set; } = "X-Auth-Roles";

    /// <summary>The realm named in <c>WWW-Authenticate</c>.</summary>
    public string Realm { get; set; } = "fastlb";
}

namespace FastLb.Proxy.Configuration;

/// <summary>A route's validated JWT check.</summary>
internal sealed record JwtConfig
{
    /// <summary>The keys of the config followed by those of the JWKS file.</summary>
    public required IReadOnlyList<JwtKey> Keys { get; init; }

    /// <summary>The JWKS file the keys after the config's came from; null when none.</summary>
    public string? JwksPath { get; init; }

    /// <summary>The number of keys given in the config itself (the rest came from <see cref="JwksPath"/>).</summary>
    public int ConfigKeyCount { get; init; }

    /// <summary>The required <c>iss</c>; null for any.</summary>
    public string? Issuer { get; init; }

    /// <summary>The required member of <c>aud</c>; null for any.</summary>
    public string? Audience { get; init; }

    /// <summary>Slack on <c>exp</c> and <c>nbf</c>, seconds.</summary>
    public int ClockSkewSeconds { get; init; }

    /// <summary>Roles a token must all carry.</summary>
    public required IReadOnlyList<string> RequiredRoles { get; init; }

    /// <summary>The claim holding the roles.</summary>
    public required string RolesClaim { get; init; }

    /// <summary>Header carrying the verified subject to the backend.</summary>
    public required string SubjectHeader { get; init; }

    /// <summary>Header carrying the verified roles to the backend.</summary>
    public required string RolesHeader { get; init; }

    /// <summary>Realm of the <c>WWW-Authenticate</c> challenge.</summary>
    public required string Realm { get; init; }
}

namespace FastLb.Proxy.Configuration;

/// <summary>A route's validated JWT check.</summary>
/// <remarks>Two are equal when every setting and every key is (the lists compared item by item), so a
/// reload of the same file does not report the route as changed.</remarks>
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

    /// <inheritdoc />
    public bool Equals(JwtConfig? other) =>
        other is not null
        && Fingerprint() == other.Fingerprint();

    /// <inheritdoc />
    public override int GetHashCode() => Fingerprint().GetHashCode(StringComparison.Ordinal);

    // Every setting and key in one string: configs are compared only on reload, never per request.
    private string Fingerprint()
    {
        var text = new System.Text.StringBuilder();
        text.AppendJoin('\u0001', JwksPath, ConfigKeyCount, Issuer, Audience, ClockSkewSeconds, RolesClaim, SubjectHeader, RolesHeader, Realm)
            .Append('\u0002').AppendJoin('\u0001', RequiredRoles);
        foreach (JwtKey key in Keys)
        {
            text.Append('\u0002').Append(key.Kid).Append('\u0001').Append(key.Alg).Append('\u0001')
                .Append(key.Secret is null ? "" : Convert.ToHexString(key.Secret)).Append('\u0001')
                .Append(key.Rsa is { } rsa ? Convert.ToHexString(rsa.Modulus!) + ":" + Convert.ToHexString(rsa.Exponent!) : "");
        }

        return text.ToString();
    }
}

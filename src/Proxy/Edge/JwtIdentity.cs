namespace FastLb.Proxy.Edge;

/// <summary>A token whose signature, issuer and audience verified, with what it says; kept in the validator's cache.</summary>
/// <remarks>Immutable: a cache slot is replaced whole, so a reader sees one token's identity or another's, never a mix.</remarks>
internal sealed class JwtIdentity
{
    /// <summary>Makes the identity of <paramref name="token"/>.</summary>
    public JwtIdentity(byte[] token, int hash, JwtKeySet keys, long expires, long notBefore, bool hasRequiredRoles, byte[] forwardedFields)
    {
        Token = token;
        Keys = keys;
        Hash = hash;
        Expires = expires;
        NotBefore = notBefore;
        HasRequiredRoles = hasRequiredRoles;
        ForwardedFields = forwardedFields;
    }

    /// <summary>The token as it came (the cache key, compared whole).</summary>
    public byte[] Token { get; }

    /// <summary>The key set that verified the token: once the keys are replaced, the token must verify again.</summary>
    public JwtKeySet Keys { get; }

    /// <summary>The token's hash in the cache.</summary>
    public int Hash { get; }

    /// <summary><c>exp</c>, Unix seconds.</summary>
    public long Expires { get; }

    /// <summary><c>nbf</c>, Unix seconds; <see cref="long.MinValue"/> when absent.</summary>
    public long NotBefore { get; }

    /// <summary>True when the token carries every role the route requires.</summary>
    public bool HasRequiredRoles { get; }

    /// <summary>The header lines written to the backend: subject and roles, each ending in CRLF (empty lines left out).</summary>
    public byte[] ForwardedFields { get; }
}

using System.Security.Cryptography;
using System.Text;
using FastLb.Proxy.Configuration;

namespace FastLb.Proxy.Edge;

/// <summary>The keys one route verifies tokens with, ready to use: HMAC secrets and imported RSA public keys.</summary>
/// <remarks>Replaced whole when the JWKS file changes; an RSA object of a replaced set is left to the
/// collector rather than disposed, as a verification may still be using it.</remarks>
internal sealed class JwtKeySet
{
    /// <summary>Imports <paramref name="keys"/>.</summary>
    public JwtKeySet(IReadOnlyList<JwtKey> keys)
    {
        var entries = new Entry[keys.Count];
        for (int i = 0; i < keys.Count; i++)
        {
            JwtKey key = keys[i];
            RSA? rsa = null;
            if (key.Rsa is RSAParameters parameters)
            {
                rsa = RSA.Create();
                rsa.ImportParameters(parameters);
            }

            entries[i] = new Entry(key.Kid is null ? null : Encoding.UTF8.GetBytes(key.Kid), key.Alg, key.Secret, rsa);
        }

        Entries = entries;
    }

    /// <summary>The keys, in config order (the config's, then the JWKS file's).</summary>
    public Entry[] Entries { get; }

    /// <summary>One key: its id (UTF-8), algorithm, and secret or RSA key.</summary>
    /// <remarks>RSA verification on one object from several threads is safe: each call makes its own
    /// OpenSSL context over the shared, immutable public key.</remarks>
    internal sealed record Entry(byte[]? Kid, JwtAlgorithm Alg, byte[]? Secret, RSA? Rsa);
}

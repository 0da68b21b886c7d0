using System.Security.Cryptography;

namespace FastLb.Proxy.Configuration;

/// <summary>A validated signing key: its id, its algorithm, and the secret (HS256) or the RSA public key (RS256).</summary>
/// <remarks>A key verifies only tokens whose <c>alg</c> is its own, so an RSA public key is never taken as an HMAC secret.</remarks>
internal sealed record JwtKey(string? Kid, JwtAlgorithm Alg, byte[]? Secret, RSAParameters? Rsa);

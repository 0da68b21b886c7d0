using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace FastLb.Proxy.Tests.Infrastructure;

/// <summary>Builds JWS compact tokens by hand (RFC 7515 7.1), including ones no library would make: alg none, tampered parts.</summary>
public static class TestTokens
{
    /// <summary>A token with header <paramref name="header"/> and claims <paramref name="claims"/>, signed by <paramref name="sign"/> over the signing input.</summary>
    public static string Build(object header, object claims, Func<byte[], byte[]> sign)
    {
        string input = Part(header) + "." + Part(claims);
        return input + "." + Base64Url.EncodeToString(sign(Encoding.ASCII.GetBytes(input)));
    }

    /// <summary>An HS256 token.</summary>
    public static string Hs256(byte[] secret, object claims, string? kid = null) =>
        Build(Header("HS256", kid), claims, input => HMACSHA256.HashData(secret, input));

    /// <summary>An RS256 token.</summary>
    public static string Rs256(RSA key, object claims, string? kid = null) =>
        Build(Header("RS256", kid), claims, input => key.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    /// <summary>A header object naming <paramref name="alg"/> and, when given, <paramref name="kid"/>.</summary>
    public static Dictionary<string, object> Header(string alg, string? kid = null)
    {
        var header = new Dictionary<string, object> { ["alg"] = alg, ["typ"] = "JWT" };
        if (kid is not null)
        {
            header["kid"] = kid;
        }

        return header;
    }

    /// <summary>Standard claims: subject, issuer, audience, roles, and an expiry <paramref name="expiresIn"/> after <paramref name="now"/>.</summary>
    public static Dictionary<string, object> Claims(DateTimeOffset now, string sub = "alice", string iss = "https://issuer.test", object? aud = null,
        string[]? roles = null, TimeSpan? expiresIn = null)
    {
        var claims = new Dictionary<string, object>
        {
            ["sub"] = sub,
            ["iss"] = iss,
            ["aud"] = aud ?? "shop",
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.Add(expiresIn ?? TimeSpan.FromHours(1)).ToUnixTimeSeconds(),
        };
        if (roles is not null)
        {
            claims["roles"] = roles;
        }

        return claims;
    }

    private static string Part(object value) => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(value));
}

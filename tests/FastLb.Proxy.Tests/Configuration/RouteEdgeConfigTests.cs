using System.Security.Cryptography;
using FastLb.Proxy.Configuration;

namespace FastLb.Proxy.Tests.Configuration;

/// <summary>Validation of <c>routes[].rateLimit</c> and <c>routes[].jwt</c>: every error names its field.</summary>
public sealed class RouteEdgeConfigTests : IDisposable
{
    private readonly string _jwks = Path.Combine(Path.GetTempPath(), $"fastlb-jwks-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_jwks);

    private static string Config(string routeExtra) => $$"""
        {
          "admin": { "listen": "127.0.0.1:0" },
          "listeners": [ { "name": "web", "listen": "127.0.0.1:0", "mode": "http" } ],
          "routes": [ { "listener": "web", "pathPrefix": "/api", "pool": "main", {{routeExtra}} } ],
          "pools": [ { "name": "main", "backends": [ { "address": "127.0.0.1:9101" } ] } ]
        }
        """;

    private static List<string> Errors(string routeExtra) =>
        [.. Assert.Throws<ConfigException>(() => ConfigValidator.Validate(ConfigLoader.Parse(Config(routeExtra)))).Errors];

    [Fact]
    public void RateLimit_Valid_BurstDefaultsToTheRateAndSlotsRoundUp()
    {
        ProxyConfig config = ConfigValidator.Validate(ConfigLoader.Parse(Config("""
            "rateLimit": { "perClient": { "rate": 2.5 }, "route": { "rate": 100, "burst": 300 }, "clientSlots": 1000 }
            """)));

        RateLimitConfig limit = config.Routes[0].RateLimit!;
        Assert.Equal(new TokenBucketConfig(2.5, 3), limit.PerClient);
        Assert.Equal(new TokenBucketConfig(100, 300), limit.Route);
        Assert.Equal(1024, limit.ClientSlots);
        Assert.Null(config.Routes[0].Jwt);
    }

    [Fact]
    public void RateLimit_BadValues_EachNamesItsField()
    {
        List<string> errors = Errors("""
            "rateLimit": { "perClient": { "rate": 0, "burst": 5 }, "route": { "rate": 10, "burst": 0 }, "clientSlots": 8 }
            """);

        Assert.Equal(
        [
            "routes[0].rateLimit.clientSlots: must be between 64 and 16777216, got 8",
            "routes[0].rateLimit.perClient.rate: must be a number of tokens per second between 1/86400 and 1000000, got 0",
            "routes[0].rateLimit.route.burst: must be between 1 and 1000000, got 0",
        ], errors);
    }

    [Fact]
    public void RateLimit_NoScope_Refused()
    {
        Assert.Equal(["routes[0].rateLimit: set 'perClient', 'route' or both"], Errors("""
            "rateLimit": { }
            """));
    }

    [Fact]
    public void RateLimit_UnknownField_NamesIt()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Config("""
            "rateLimit": { "perClient": { "rate": 1, "bursts": 2 } }
            """)));

        Assert.Equal("$.routes[0].rateLimit.perClient.bursts: unknown field 'bursts'", Assert.Single(e.Errors));
    }

    [Fact]
    public void Jwt_Valid_KeysFromConfigAndJwks()
    {
        using RSA rsa = RSA.Create(2048);
        RSAParameters p = rsa.ExportParameters(false);
        File.WriteAllText(_jwks, $$"""
            { "keys": [ { "kty": "RSA", "kid": "j1", "use": "sig", "n": "{{Base64Url(p.Modulus!)}}", "e": "{{Base64Url(p.Exponent!)}}" },
                        { "kty": "EC", "kid": "skipped", "crv": "P-256", "x": "AA", "y": "AA" },
                        { "kty": "oct", "kid": "j2", "k": "{{Base64Url(new byte[32])}}" } ] }
            """);
        string pem = rsa.ExportSubjectPublicKeyInfoPem().ReplaceLineEndings("\\n");

        ProxyConfig config = ConfigValidator.Validate(ConfigLoader.Parse(Config($$"""
            "jwt": { "keys": [ { "kid": "c1", "alg": "HS256", "secret": "0123456789abcdef0123456789abcdef" },
                               { "kid": "c2", "alg": "RS256", "publicKeyPem": "{{pem}}" } ],
                     "jwksPath": "{{_jwks}}", "issuer": "https://issuer.test", "audience": "shop", "requiredRoles": ["admin"] }
            """)));

        JwtConfig jwt = config.Routes[0].Jwt!;
        Assert.Equal(["c1", "c2", "j1", "j2"], jwt.Keys.Select(k => k.Kid));
        Assert.Equal([JwtAlgorithm.HS256, JwtAlgorithm.RS256, JwtAlgorithm.RS256, JwtAlgorithm.HS256], jwt.Keys.Select(k => k.Alg));
        Assert.Equal(2, jwt.ConfigKeyCount);
        Assert.Equal(30, jwt.ClockSkewSeconds);
        Assert.Equal("X-Auth-Subject", jwt.SubjectHeader);
        Assert.Equal("X-Auth-Roles", jwt.RolesHeader);
    }

    [Fact]
    public void Jwt_BadValues_EachNamesItsField()
    {
        using RSA small = RSA.Create(1024);
        string pem = small.ExportSubjectPublicKeyInfoPem().ReplaceLineEndings("\\n");
        List<string> errors = Errors($$"""
            "jwt": { "keys": [ { "alg": "none" },
                               { "alg": "HS256", "secret": "short" },
                               { "alg": "RS256", "publicKeyPem": "{{pem}}" },
                               { "alg": "RS256", "publicKeyPem": "not a pem" },
                               { "alg": "RS256", "secret": "0123456789abcdef0123456789abcdef" } ],
                     "clockSkewSeconds": -1, "subjectHeader": "Content-Length", "rolesHeader": "X Roles", "requiredRoles": [""] }
            """);

        Assert.Equal(
        [
            "routes[0].jwt.keys[0].alg: must be 'HS256' or 'RS256', got 'none'",
            "routes[0].jwt.keys[1].secret: an HS256 secret must be at least 32 bytes, got 5",
            "routes[0].jwt.keys[2].publicKeyPem: an RSA key must have at least 2048 bits, got 1024",
            errors[3],
            "routes[0].jwt.keys[4].secret: an RS256 key takes a 'publicKeyPem', not a secret",
            "routes[0].jwt.keys[4].publicKeyPem: required for RS256",
            "routes[0].jwt.clockSkewSeconds: must be between 0 and 600, got -1",
            "routes[0].jwt.requiredRoles[0]: must not be empty",
            "routes[0].jwt.subjectHeader: 'Content-Length' frames or routes the request; choose another header",
            "routes[0].jwt.rolesHeader: must be a header name (letters, digits, '-'), got 'X Roles'",
        ], errors);
        Assert.StartsWith("routes[0].jwt.keys[3].publicKeyPem: not an RSA public key in PEM", errors[3]);
    }

    [Fact]
    public void Jwt_NoKeys_Refused()
    {
        Assert.Equal(["routes[0].jwt.keys: give at least one key, or a jwksPath"], Errors("""
            "jwt": { }
            """));
    }

    [Fact]
    public void Jwt_JwksMissingOrInvalid_NamesThePath()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"fastlb-no-such-{Guid.NewGuid():N}.json");
        string error = Assert.Single(Errors($$"""
            "jwt": { "jwksPath": "{{missing}}" }
            """));
        Assert.StartsWith($"routes[0].jwt.jwksPath: cannot read '{missing}'", error);

        File.WriteAllText(_jwks, """{ "keys": [ { "kty": "RSA", "n": "AQAB", "e": "AQAB" } ] }""");
        Assert.Equal(["routes[0].jwt.jwksPath keys[0]: an RSA key needs base64url 'n' (at least 2048 bits) and 'e'"], Errors($$"""
            "jwt": { "jwksPath": "{{_jwks}}" }
            """));

        File.WriteAllText(_jwks, """{ "keys": [ { "kty": "EC", "crv": "P-256", "x": "AA", "y": "AA" } ] }""");
        Assert.Equal([$"routes[0].jwt.jwksPath: '{_jwks}' holds no RS256 or HS256 signing key"], Errors($$"""
            "jwt": { "jwksPath": "{{_jwks}}" }
            """));
    }

    internal static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}

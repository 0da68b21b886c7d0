using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using FastLb.Proxy.Configuration;
using FastLb.Proxy.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FastLb.Proxy.Tests.Edge;

/// <summary>JWT checks on a real proxy in front of a real Kestrel backend, with keys made by the test; the backend's <c>/headers</c> shows what it received.</summary>
public sealed class JwtThroughProxyTests : IDisposable
{
    private static readonly byte[] s_secret = Encoding.UTF8.GetBytes("a shared secret of at least thirty-two bytes");
    private readonly string _jwks = Path.Combine(Path.GetTempPath(), $"fastlb-jwks-{Guid.NewGuid():N}.json");
    private readonly string _config = Path.Combine(Path.GetTempPath(), $"fastlb-jwt-{Guid.NewGuid():N}.json");
    private readonly RSA _rsa = RSA.Create(2048);

    public void Dispose()
    {
        File.Delete(_jwks);
        File.Delete(_config);
        _rsa.Dispose();
    }

    private Task<ProxyHost> StartAsync(TestBackend backend, ManualClock clock, Action<JwtOptions>? configure = null)
    {
        var jwt = new JwtOptions
        {
            Keys =
            [
                new JwtKeyOptions { Kid = "hs", Alg = "HS256", Secret = Encoding.UTF8.GetString(s_secret) },
                new JwtKeyOptions { Kid = "rs", Alg = "RS256", PublicKeyPem = _rsa.ExportSubjectPublicKeyInfoPem() },
            ],
            Issuer = "https://issuer.test",
            Audience = "shop",
        };
        configure?.Invoke(jwt);
        var options = new ProxyOptions
        {
            Admin = new AdminOptions { Listen = "127.0.0.1:0" },
            Listeners = [new ListenerOptions { Name = "main", Listen = "127.0.0.1:0", Pool = "main" }],
            Routes = [new RouteOptions { Listener = "main", PathPrefix = "/headers", Pool = "main", Jwt = jwt }],
            Pools = [new PoolOptions { Name = "main", Backends = [new BackendOptions { Address = backend.Address }] }],
        };
        return ProxyHost.StartAsync(options, clock);
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string? token, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/headers");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        foreach ((string name, string value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await client.SendAsync(request);
    }

    // The backend's /headers answer: one "Name: value" line per header as Kestrel received it.
    private static string[] Lines(string body, string name) =>
        [.. body.Split('\n').Where(l => l.StartsWith(name + ": ", StringComparison.OrdinalIgnoreCase)).Select(l => l[(name.Length + 2)..])];

    [Fact]
    public async Task Hs256_ValidToken_SubjectAndRolesForwardedAndClientCopiesRemoved()
    {
        await using TestBackend backend = await TestBackend.StartAsync("a");
        var clock = new ManualClock();
        await using ProxyHost proxy = await StartAsync(backend, clock);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };
        string token = TestTokens.Hs256(s_secret, TestTokens.Claims(clock.GetUtcNow(), roles: ["admin", "ops"]), kid: "hs");

        using HttpResponseMessage response = await GetAsync(client, token, ("X-Auth-Subject", "mallory"), ("x-auth-roles", "root"), ("X-Other", "kept"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string body = await response.Content.ReadAsStringAsync();
        Assert.Equal(["alice"], Lines(body, "X-Auth-Subject"));
        Assert.Equal(["admin,ops"], Lines(body, "X-Auth-Roles"));
        Assert.Equal(["kept"], Lines(body, "X-Other"));

        // Again: the cached identity gives the same headers.
        using HttpResponseMessage again = await GetAsync(client, token, ("X-Auth-Subject", "mallory"));
        string second = await again.Content.ReadAsStringAsync();
        Assert.Equal(["alice"], Lines(second, "X-Auth-Subject"));
        Assert.Equal(["admin,ops"], Lines(second, "X-Auth-Roles"));

        // A route without a JWT check forwards what the client sent.
        string open = await client.GetStringAsync("/hello");
        Assert.Equal("hello from a", open);
    }

    [Fact]
    public async Task Rs256_TokenMadeByIdentityModel_Accepted()
    {
        await using TestBackend backend = await TestBackend.StartAsync("a");
        var clock = new ManualClock();
        await using ProxyHost proxy = await StartAsync(backend, clock, jwt => jwt.RequiredRoles = ["reader"]);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };
        DateTime now = clock.GetUtcNow().UtcDateTime;
        string token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "https://issuer.test",
            Audience = "shop",
            Subject = new ClaimsIdentity([new Claim("sub", "bob"), new Claim("roles", "reader"), new Claim("roles", "writer")]),
            NotBefore = now.AddMinutes(-1),
            IssuedAt = now,
            Expires = now.AddMinutes(5),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(_rsa) { KeyId = "rs" }, SecurityAlgorithms.RsaSha256),
        });

        using HttpResponseMessage response = await GetAsync(client, token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string body = await response.Content.ReadAsStringAsync();
        Assert.Equal(["bob"], Lines(body, "X-Auth-Subject"));
        Assert.Equal(["reader,writer"], Lines(body, "X-Auth-Roles"));
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "expired", "expired" },
        { "not_yet_valid", "not_yet_valid" },
        { "no_expiry", "no_expiry" },
        { "wrong_issuer", "issuer" },
        { "wrong_audience", "audience" },
        { "bad_signature", "signature" },
        { "alg_none", "algorithm" },
        { "alg_hs512", "algorithm" },
        { "hs256_signed_with_rsa_public_key", "signature" },
        { "unknown_kid", "unknown_key" },
        { "hs256_with_the_rsa_keys_kid", "unknown_key" },
        { "not_a_jwt", "malformed" },
        { "subject_with_crlf", "malformed" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task BadToken_401WithInvalidTokenChallenge_BackendNeverSeesIt(string kind, string reason)
    {
        await using TestBackend backend = await TestBackend.StartAsync("a");
        var clock = new ManualClock();
        await using ProxyHost proxy = await StartAsync(backend, clock);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };
        DateTimeOffset now = clock.GetUtcNow();
        Dictionary<string, object> claims = TestTokens.Claims(now);
        string good = TestTokens.Rs256(_rsa, claims, "rs");
        string token = kind switch
        {
            "expired" => TestTokens.Hs256(s_secret, TestTokens.Claims(now, expiresIn: TimeSpan.FromSeconds(-31))),
            "not_yet_valid" => TestTokens.Hs256(s_secret, new Dictionary<string, object>(claims) { ["nbf"] = now.AddSeconds(31).ToUnixTimeSeconds() }),
            "no_expiry" => TestTokens.Hs256(s_secret, claims.Where(c => c.Key != "exp").ToDictionary()),
            "wrong_issuer" => TestTokens.Hs256(s_secret, TestTokens.Claims(now, iss: "https://evil.test")),
            "wrong_audience" => TestTokens.Rs256(_rsa, TestTokens.Claims(now, aud: new[] { "other", "more" }), "rs"),
            "bad_signature" => good[..^4] + (good[^4] == 'A' ? "BBBB" : "AAAA"),
            "alg_none" => TestTokens.Build(TestTokens.Header("none"), claims, _ => []),
            "alg_hs512" => TestTokens.Build(TestTokens.Header("HS512"), claims, input => HMACSHA512.HashData(s_secret, input)),
            // The classic confusion: the RSA public key's PEM text used as an HMAC secret (no kid: every HS256 key is tried).
            "hs256_signed_with_rsa_public_key" => TestTokens.Hs256(Encoding.ASCII.GetBytes(_rsa.ExportSubjectPublicKeyInfoPem()), claims),
            "hs256_with_the_rsa_keys_kid" => TestTokens.Hs256(Encoding.ASCII.GetBytes(_rsa.ExportSubjectPublicKeyInfoPem()), claims, "rs"),
            "unknown_kid" => TestTokens.Hs256(s_secret, claims, "nope"),
            "not_a_jwt" => "abc.def",
            "subject_with_crlf" => TestTokens.Hs256(s_secret, TestTokens.Claims(now, sub: "alice\r\nX-Admin: yes")),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        using HttpResponseMessage response = await GetAsync(client, token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal($"Bearer realm=\"fastlb\", error=\"invalid_token\", error_description=\"{reason}\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal(0, backend.Requests);
        using HttpResponseMessage accepted = await GetAsync(client, good);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        string metrics = await client.GetStringAsync(new Uri(proxy.AdminUri, "/metrics"));
        Assert.Contains($"fastlb_auth_rejected_total{{listener=\"main\",route=\"/headers\",reason=\"{reason}\"}} 1\n", metrics);
        Assert.Contains("fastlb_error_responses_total{status=\"401\"} 1\n", metrics);
    }

    [Fact]
    public async Task MissingToken_401WithBareChallenge_OtherSchemeToo()
    {
        await using TestBackend backend = await TestBackend.StartAsync("a");
        await using ProxyHost proxy = await StartAsync(backend, new ManualClock(), jwt => jwt.Realm = "shop");
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };

        using HttpResponseMessage none = await GetAsync(client, null);
        using var basic = new HttpRequestMessage(HttpMethod.Get, "/headers");
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", "YWxpY2U6cHc=");
        using HttpResponseMessage other = await client.SendAsync(basic);

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("Bearer realm=\"shop\"", none.Headers.WwwAuthenticate.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);
        Assert.Equal(0, backend.Requests);
        string metrics = await client.GetStringAsync(new Uri(proxy.AdminUri, "/metrics"));
        Assert.Contains("fastlb_auth_rejected_total{listener=\"main\",route=\"/headers\",reason=\"missing\"} 2\n", metrics);
        using System.Text.Json.JsonDocument status = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync(new Uri(proxy.AdminUri, "/status")));
        System.Text.Json.JsonElement jwt = Assert.Single(status.RootElement.GetProperty("route_checks").EnumerateArray()).GetProperty("jwt");
        Assert.Equal(2, jwt.GetProperty("keys").GetInt32());
        Assert.Equal(2, jwt.GetProperty("rejected").GetProperty("missing").GetInt64());
        Assert.Equal(0, jwt.GetProperty("rejected").GetProperty("signature").GetInt64());
    }

    [Fact]
    public async Task ValidTokenWithoutRequiredRole_403InsufficientScope()
    {
        await using TestBackend backend = await TestBackend.StartAsync("a");
        var clock = new ManualClock();
        await using ProxyHost proxy = await StartAsync(backend, clock, jwt => jwt.RequiredRoles = ["admin", "ops"]);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };
        DateTimeOffset now = clock.GetUtcNow();

        using HttpResponseMessage partial = await GetAsync(client, TestTokens.Hs256(s_secret, TestTokens.Claims(now, roles: ["admin"])));
        using HttpResponseMessage none = await GetAsync(client, TestTokens.Hs256(s_secret, TestTokens.Claims(now)));
        var spaced = TestTokens.Claims(now);
        spaced["roles"] = "ops admin";
        using HttpResponseMessage both = await GetAsync(client, TestTokens.Hs256(s_secret, spaced));

        Assert.Equal(HttpStatusCode.Forbidden, partial.StatusCode);
        Assert.Equal("Bearer realm=\"fastlb\", error=\"insufficient_scope\"", partial.Headers.WwwAuthenticate.ToString());
        Assert.Equal(HttpStatusCode.Forbidden, none.StatusCode);
        Assert.Equal(HttpStatusCode.OK, both.StatusCode);
        Assert.Equal(["ops,admin"], Lines(await both.Content.ReadAsStringAsync(), "X-Auth-Roles"));
        Assert.Equal(1, backend.Requests);
        string metrics = await client.GetStringAsync(new Uri(proxy.AdminUri, "/metrics"));
        Assert.Contains("fastlb_auth_rejected_total{listener=\"main\",route=\"/headers\",reason=\"role\"} 2\n", metrics);
        Assert.Contains("fastlb_error_responses_total{status=\"403\"} 2\n", metrics);
    }

    [Fact]
    public async Task Expiry_WithinSkewAccepted_CachedTokenRefusedOnceThePastSkew()
    {
        await using TestBackend backend = await TestBackend.StartAsync("a");
        var clock = new ManualClock();
        await using ProxyHost proxy = await StartAsync(backend, clock, jwt => jwt.ClockSkewSeconds = 30);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };
        string token = TestTokens.Hs256(s_secret, TestTokens.Claims(clock.GetUtcNow(), expiresIn: TimeSpan.FromSeconds(-20)));

        using HttpResponseMessage withinSkew = await GetAsync(client, token);
        clock.Advance(TimeSpan.FromSeconds(11));
        using HttpResponseMessage pastSkew = await GetAsync(client, token);

        Assert.Equal(HttpStatusCode.OK, withinSkew.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, pastSkew.StatusCode);
        Assert.Contains("error_description=\"expired\"", pastSkew.Headers.WwwAuthenticate.ToString());
    }

    private static string Jwks(RSA rsa, string kid)
    {
        RSAParameters p = rsa.ExportParameters(false);
        return $$"""{ "keys": [ { "kty": "RSA", "kid": "{{kid}}", "alg": "RS256", "use": "sig", "n": "{{Configuration.RouteEdgeConfigTests.Base64Url(p.Modulus!)}}", "e": "{{Configuration.RouteEdgeConfigTests.Base64Url(p.Exponent!)}}" } ] }""";
    }

    private string FileConfig(string backend) => $$"""
        {
          "admin": { "listen": "127.0.0.1:0" },
          "listeners": [ { "name": "web", "listen": "127.0.0.1:0", "mode": "http", "pool": "main" } ],
          "routes": [ { "listener": "web", "pathPrefix": "/headers", "pool": "main",
                        "jwt": { "jwksPath": "{{_jwks}}", "audience": "shop", "subjectHeader": "X-User" } } ],
          "pools": [ { "name": "main", "backends": [ { "address": "{{backend}}" } ] } ]
        }
        """;

    [Fact]
    public async Task Jwks_KeysRotatedAndReloaded_NewKeyAcceptedOldRefused()
    {
        await using TestBackend backend = await TestBackend.StartAsync("a");
        var clock = new ManualClock();
        using RSA next = RSA.Create(2048);
        File.WriteAllText(_jwks, Jwks(_rsa, "k1"));
        File.WriteAllText(_config, FileConfig(backend.Address));
        await using ProxyHost proxy = await ProxyHost.StartFromFileAsync(_config, clock);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };
        string oldToken = TestTokens.Rs256(_rsa, TestTokens.Claims(clock.GetUtcNow()), "k1");
        string newToken = TestTokens.Rs256(next, TestTokens.Claims(clock.GetUtcNow(), sub: "carol"), "k2");
        using HttpResponseMessage before = await GetAsync(client, oldToken, ("X-User", "mallory"));
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(["alice"], Lines(await before.Content.ReadAsStringAsync(), "X-User"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(client, newToken)).StatusCode);

        // A reload of the same files changes no route; one with new keys in the JWKS file does.
        ReloadResult same = await proxy.Server.ReloadAsync();
        Assert.Equal(ReloadOutcome.Applied, same.Outcome);
        Assert.DoesNotContain(same.Changes, c => c.StartsWith("routes", StringComparison.Ordinal));

        File.WriteAllText(_jwks, Jwks(next, "k2"));
        File.SetLastWriteTimeUtc(_jwks, DateTime.UtcNow.AddMinutes(1));
        ReloadResult rotated = await proxy.Server.ReloadAsync();
        Assert.Equal(ReloadOutcome.Applied, rotated.Outcome);
        Assert.Contains("routes: 1 -> 1 routes", rotated.Changes);

        using HttpResponseMessage after = await GetAsync(client, newToken);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(["carol"], Lines(await after.Content.ReadAsStringAsync(), "X-User"));
        using HttpResponseMessage old = await GetAsync(client, oldToken);
        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        Assert.Contains("error_description=\"unknown_key\"", old.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Jwks_FileRewrittenWithoutReload_NewKeyPickedUp()
    {
        await using TestBackend backend = await TestBackend.StartAsync("a");
        var clock = new ManualClock();
        using RSA next = RSA.Create(2048);
        File.WriteAllText(_jwks, Jwks(_rsa, "k1"));
        File.WriteAllText(_config, FileConfig(backend.Address));
        await using ProxyHost proxy = await ProxyHost.StartFromFileAsync(_config, clock);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };
        string oldToken = TestTokens.Rs256(_rsa, TestTokens.Claims(clock.GetUtcNow()), "k1");
        string newToken = TestTokens.Rs256(next, TestTokens.Claims(clock.GetUtcNow()), "k2");
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, oldToken)).StatusCode);

        File.WriteAllText(_jwks, Jwks(next, "k2"));
        File.SetLastWriteTimeUtc(_jwks, DateTime.UtcNow.AddMinutes(1));

        // What the proxy's watcher does once a second, run here at once (a watcher whose timer never fires).
        using (var watcher = new FastLb.Proxy.Edge.JwksWatcher(() => proxy.Server.RouteEdges, TimeProvider.System, TextWriter.Null, Timeout.InfiniteTimeSpan))
        {
            watcher.Check();
        }

        using HttpResponseMessage response = await GetAsync(client, newToken);
        HttpStatusCode status = response.StatusCode;
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(client, oldToken)).StatusCode);
    }
}

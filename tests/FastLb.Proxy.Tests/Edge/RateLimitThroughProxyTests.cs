using System.Net;
using System.Text.Json;
using FastLb.Proxy.Configuration;
using FastLb.Proxy.Tests.Infrastructure;

namespace FastLb.Proxy.Tests.Edge;

/// <summary>Route rate limits on a real proxy in front of a real Kestrel backend, on a clock the test moves.</summary>
public sealed class RateLimitThroughProxyTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"fastlb-ratelimit-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_path);

    private static Task<ProxyHost> StartAsync(TestBackend backend, ManualClock clock, RateLimitOptions rateLimit)
    {
        var options = new ProxyOptions
        {
            Admin = new AdminOptions { Listen = "127.0.0.1:0" },
            Listeners = [new ListenerOptions { Name = "main", Listen = "127.0.0.1:0", Pool = "main" }],
            Routes = [new RouteOptions { Listener = "main", PathPrefix = "/hello", Pool = "main", RateLimit = rateLimit }],
            Pools = [new PoolOptions { Name = "main", Backends = [new BackendOptions { Address = backend.Address }] }],
        };
        return ProxyHost.StartAsync(options, clock);
    }

    [Fact]
    public async Task PerClient_BurstSpent_429WithRetryAfterToTheNextTokenAndCounted()
    {
        await using TestBackend backend = await TestBackend.StartAsync("a");
        var clock = new ManualClock();
        await using ProxyHost proxy = await StartAsync(backend, clock, new RateLimitOptions { PerClient = new TokenBucketOptions { Rate = 0.25, Burst = 3 } });
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal("hello from a", await client.GetStringAsync("/hello"));
        }

        using HttpResponseMessage refused = await client.GetAsync("/hello");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(4), refused.Headers.RetryAfter?.Delta);
        Assert.NotNull(refused.Headers.GetValues("X-Request-Id").Single());

        // A second later the next token is three seconds away; four seconds later it is there.
        clock.Advance(TimeSpan.FromSeconds(1));
        using HttpResponseMessage again = await client.GetAsync("/hello");
        Assert.Equal(HttpStatusCode.TooManyRequests, again.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), again.Headers.RetryAfter?.Delta);
        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal("hello from a", await client.GetStringAsync("/hello"));

        // Another path of the listener has no route limit.
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal("api from a", await client.GetStringAsync("/api/hello"));
        }

        Assert.Equal(9, backend.Requests);
        string metrics = await client.GetStringAsync(new Uri(proxy.AdminUri, "/metrics"));
        Assert.Contains("fastlb_rate_limited_total{listener=\"main\",route=\"/hello\",scope=\"client\"} 2\n", metrics);
        Assert.Contains("fastlb_error_responses_total{status=\"429\"} 2\n", metrics);
        Assert.DoesNotContain("scope=\"route\"", metrics);
    }

    [Fact]
    public async Task PerClient_AnotherAddress_HasItsOwnBucket()
    {
        await using TestBackend backend = await TestBackend.StartAsync("a");
        var clock = new ManualClock();
        await using ProxyHost proxy = await StartAsync(backend, clock, new RateLimitOptions { PerClient = new TokenBucketOptions { Rate = 1, Burst = 2 } });
        using HttpClient first = LoopbackClients.From("127.0.0.1", proxy.BaseUri);
        using HttpClient second = LoopbackClients.From("127.0.0.2", proxy.BaseUri);

        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/hello")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/hello")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await first.GetAsync("/hello")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/hello")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/hello")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await second.GetAsync("/hello")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await first.GetAsync("/hello")).StatusCode);
        Assert.Equal(4, backend.Requests);
    }

    [Fact]
    public async Task Route_SharedByEveryAddress_RefusesOnceSpentWithScopeRoute()
    {
        await using TestBackend backend = await TestBackend.StartAsync("a");
        var clock = new ManualClock();
        await using ProxyHost proxy = await StartAsync(backend, clock, new RateLimitOptions
        {
            PerClient = new TokenBucketOptions { Rate = 10, Burst = 10 },
            Route = new TokenBucketOptions { Rate = 0.5, Burst = 2 },
        });
        using HttpClient a = LoopbackClients.From("127.0.0.1", proxy.BaseUri);
        using HttpClient b = LoopbackClients.From("127.0.0.2", proxy.BaseUri);
        using HttpClient c = LoopbackClients.From("127.0.0.3", proxy.BaseUri);

        Assert.Equal(HttpStatusCode.OK, (await a.GetAsync("/hello")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await b.GetAsync("/hello")).StatusCode);
        using HttpResponseMessage refused = await c.GetAsync("/hello");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), refused.Headers.RetryAfter?.Delta);

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(HttpStatusCode.OK, (await c.GetAsync("/hello")).StatusCode);
        string metrics = await a.GetStringAsync(new Uri(proxy.AdminUri, "/metrics"));
        Assert.Contains("fastlb_rate_limited_total{listener=\"main\",route=\"/hello\",scope=\"route\"} 1\n", metrics);
        Assert.Contains("fastlb_rate_limited_total{listener=\"main\",route=\"/hello\",scope=\"client\"} 0\n", metrics);

        // /status shows the limits, the route bucket's tokens now (the one that came back was just taken) and the refusals.
        using JsonDocument status = JsonDocument.Parse(await a.GetStringAsync(new Uri(proxy.AdminUri, "/status")));
        JsonElement check = Assert.Single(status.RootElement.GetProperty("route_checks").EnumerateArray());
        Assert.Equal("/hello", check.GetProperty("route").GetString());
        JsonElement route = check.GetProperty("rate_limit").GetProperty("route");
        Assert.Equal(0.5, route.GetProperty("rate").GetDouble());
        Assert.Equal(2, route.GetProperty("burst").GetInt32());
        Assert.Equal(0, route.GetProperty("tokens").GetDouble());
        Assert.Equal(1, route.GetProperty("limited").GetInt64());
        Assert.Equal(0, check.GetProperty("rate_limit").GetProperty("per_client").GetProperty("limited").GetInt64());
    }

    [Fact]
    public async Task RateLimited_KeepAliveRequestWithoutBody_ConnectionStaysOpenForTheNext()
    {
        await using TestBackend backend = await TestBackend.StartAsync("a");
        var clock = new ManualClock();
        await using ProxyHost proxy = await StartAsync(backend, clock, new RateLimitOptions { PerClient = new TokenBucketOptions { Rate = 1, Burst = 1 } });
        await using RawHttp raw = await RawHttp.ConnectAsync(proxy.EndPoint);
        const string get = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n";

        await raw.SendAsync(get);
        Assert.Equal(200, (await raw.ReadResponseAsync()).Status);
        await raw.SendAsync(get);
        RawResponse refused = await raw.ReadResponseAsync();
        Assert.Equal(429, refused.Status);
        Assert.Equal("1", refused.Header("Retry-After"));
        Assert.Null(refused.Header("Connection"));
        Assert.Equal("too many requests\n", System.Text.Encoding.ASCII.GetString(refused.Body));

        clock.Advance(TimeSpan.FromSeconds(1));
        await raw.SendAsync(get);
        Assert.Equal(200, (await raw.ReadResponseAsync()).Status);

        // With a body the request is refused and the connection closed: its body is never read.
        await raw.SendAsync("POST /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
        RawResponse closing = await raw.ReadResponseAsync();
        Assert.Equal(429, closing.Status);
        Assert.Equal("close", closing.Header("Connection"));
        Assert.True(await raw.IsClosedByPeerAsync());

        // A HEAD request's refusal carries a body its client does not read: that connection closes too.
        await using RawHttp head = await RawHttp.ConnectAsync(proxy.EndPoint);
        await head.SendAsync("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n");
        RawResponse headRefused = await head.ReadResponseAsync(headRequest: true);
        Assert.Equal(429, headRefused.Status);
        Assert.Equal("close", headRefused.Header("Connection"));
    }

    private static string FileConfig(string backend, string rateLimit) => $$"""
        {
          "admin": { "listen": "127.0.0.1:0" },
          "listeners": [ { "name": "web", "listen": "127.0.0.1:0", "mode": "http", "pool": "main" } ],
          "routes": [ { "listener": "web", "pathPrefix": "/hello", "pool": "main", "rateLimit": {{rateLimit}} } ],
          "pools": [ { "name": "main", "backends": [ { "address": "{{backend}}" } ] } ]
        }
        """;

    [Fact]
    public async Task Reload_SameLimitsKeepTheBuckets_NewLimitsStartFull()
    {
        await using TestBackend backend = await TestBackend.StartAsync("a");
        var clock = new ManualClock();
        File.WriteAllText(_path, FileConfig(backend.Address, """{ "perClient": { "rate": 1, "burst": 1 } }"""));
        await using ProxyHost proxy = await ProxyHost.StartFromFileAsync(_path, clock);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/hello")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync("/hello")).StatusCode);

        // The same limits (the default clientSlots now written out): the spent bucket stays spent.
        File.WriteAllText(_path, FileConfig(backend.Address, """{ "perClient": { "rate": 1, "burst": 1 }, "clientSlots": 16384 }"""));
        Assert.Equal(ReloadOutcome.Applied, (await proxy.Server.ReloadAsync()).Outcome);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync("/hello")).StatusCode);

        // New limits: new buckets, full.
        File.WriteAllText(_path, FileConfig(backend.Address, """{ "perClient": { "rate": 1, "burst": 3 } }"""));
        Assert.Equal(ReloadOutcome.Applied, (await proxy.Server.ReloadAsync()).Outcome);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/hello")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync("/hello")).StatusCode);

        // The counter follows the route across reloads: 3 refusals in all.
        string metrics = await client.GetStringAsync(new Uri(proxy.AdminUri, "/metrics"));
        Assert.Contains("fastlb_rate_limited_total{listener=\"web\",route=\"/hello\",scope=\"client\"} 3\n", metrics);

        // Limits removed: nothing refuses.
        File.WriteAllText(_path, FileConfig(backend.Address, "null"));
        Assert.Equal(ReloadOutcome.Applied, (await proxy.Server.ReloadAsync()).Outcome);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/hello")).StatusCode);
        }

        metrics = await client.GetStringAsync(new Uri(proxy.AdminUri, "/metrics"));
        Assert.DoesNotContain("fastlb_rate_limited_total{", metrics);
    }
}

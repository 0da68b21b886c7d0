using System.Net;
using System.Text.Json;
using FastLb.Policy;
using FastLb.Proxy.Configuration;
using FastLb.Proxy.Runtime;
using FastLb.Proxy.Tests.Infrastructure;
using static FastLb.Proxy.Tests.Admin.AdminEndpointTests;

namespace FastLb.Proxy.Tests.Resilience;

/// <summary>Real faults on loopback, with no active health check: a frozen backend, a killed one, one failing every request, a slow one.</summary>
public sealed class PassiveDetectionTests
{
    /// <summary>Sends <paramref name="count"/> GETs, <paramref name="parallel"/> at a time, and returns their statuses.</summary>
    internal static async Task<List<HttpStatusCode>> GetManyAsync(HttpClient client, string path, int count, int parallel = 4)
    {
        var statuses = new List<HttpStatusCode>();
        for (int sent = 0; sent < count; sent += parallel)
        {
            HttpResponseMessage[] responses = await Task.WhenAll(Enumerable.Range(0, Math.Min(parallel, count - sent)).Select(_ => client.GetAsync(path)));
            foreach (HttpResponseMessage response in responses)
            {
                statuses.Add(response.StatusCode);
                response.Dispose();
            }
        }

        return statuses;
    }

    internal static void OneRoute(ProxyOptions o, RetryOptions? retry = null, RouteTimeoutOptions? timeouts = null) =>
        o.Routes = [new RouteOptions { Listener = "main", PathPrefix = "/", Pool = "main", Retry = retry, Timeouts = timeouts }];

    [Fact]
    public async Task FrozenBackend_WithoutHealthChecks_RequestsStillSucceed_AndItsCircuitOpens()
    {
        await using TestBackend a = await TestBackend.StartAsync("a");
        await using TestBackend b = await TestBackend.StartAsync("b");
        await using TestBackend frozen = await TestBackend.StartAsync("frozen");
        frozen.Frozen = true;
        await using ProxyHost proxy = await ProxyHost.StartAsync([a.Address, b.Address, frozen.Address], configure: o =>
        {
            o.Limits.ResponseHeaderTimeoutMs = 1000;
            o.Pools[0].Breaker = new BreakerOptions { ConsecutiveFailures = 2, CoolDownMs = 60_000, MaxCoolDownMs = 60_000 };
        });
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };

        List<HttpStatusCode> statuses = await GetManyAsync(client, "/hello", 40);

        // A timed-out GET is retried on another backend (the default); two timeouts open the circuit.
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        BackendRuntime stuck = proxy.Server.Pools[0].Backends[2];
        Assert.Equal(BreakerState.Open, stuck.Breaker.State);
        Assert.Equal(OutReason.Breaker, stuck.State.Out);
        int arrived = frozen.Arrived;
        Assert.InRange(arrived, 2, 8);

        // Open: nothing more goes there.
        statuses = await GetManyAsync(client, "/hello", 20);
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(arrived, frozen.Arrived);
        Assert.True(proxy.Server.Pools[0].Metrics.Timeouts(Proxy.Metrics.TimeoutKind.ResponseHead) >= 2);

        using JsonDocument status = JsonDocument.Parse(await client.GetStringAsync(new Uri(proxy.AdminUri, "/status")));
        JsonElement backend = status.RootElement.GetProperty("pools")[0].GetProperty("backends")[2];
        Assert.Equal("open", backend.GetProperty("breaker").GetProperty("state").GetString());
        Assert.Equal("breaker", backend.GetProperty("out_reasons")[0].GetString());
        string metrics = await client.GetStringAsync(new Uri(proxy.AdminUri, "/metrics"));
        Assert.Contains($"fastlb_backend_breaker_state{{pool=\"main\",backend=\"{frozen.Address}\"}} 1\n", metrics);
        Assert.Contains($"fastlb_backend_breaker_opened_total{{pool=\"main\",backend=\"{frozen.Address}\"}} 1\n", metrics);
        Assert.Contains("fastlb_timeouts_total{pool=\"main\",kind=\"response_head\"}", metrics);
    }

    [Fact]
    public async Task OpenCircuit_LetsOneProbeThroughAfterTheCoolDown_AndClosesWhenItSucceeds()
    {
        await using TestBackend a = await TestBackend.StartAsync("a");
        await using TestBackend flaky = await TestBackend.StartAsync("flaky");
        flaky.Frozen = true;
        await using ProxyHost proxy = await ProxyHost.StartAsync([a.Address, flaky.Address], configure: o =>
        {
            o.Limits.ResponseHeaderTimeoutMs = 200;
            o.Pools[0].Breaker = new BreakerOptions { ConsecutiveFailures = 1, CoolDownMs = 300, MaxCoolDownMs = 300 };
        });
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };
        BackendRuntime backend = proxy.Server.Pools[0].Backends[1];

        await GetManyAsync(client, "/hello", 4, parallel: 1);
        Assert.True(backend.Breaker.Opened >= 1);

        // Back to health: within a cool-down or two a probe goes through and closes the circuit.
        flaky.Frozen = false;
        await WaitUntilAsync(async () =>
        {
            await GetManyAsync(client, "/hello", 2, parallel: 1);
            return backend.Breaker.State == BreakerState.Closed;
        });
        Assert.True(backend.State.IsAvailable);
        Assert.True(flaky.Requests > 0);
    }

    [Fact]
    public async Task KilledBackend_RequestsStillSucceed_AndItsCircuitOpens()
    {
        await using TestBackend a = await TestBackend.StartAsync("a");
        await using TestBackend b = await TestBackend.StartAsync("b");
        TestBackend killed = await TestBackend.StartAsync("killed");
        await using ProxyHost proxy = await ProxyHost.StartAsync([a.Address, b.Address, killed.Address]);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };

        // Kept-alive connections to every backend first, so the kill also closes pooled ones.
        Assert.All(await GetManyAsync(client, "/hello", 12), s => Assert.Equal(HttpStatusCode.OK, s));
        await killed.DisposeAsync();

        List<HttpStatusCode> statuses = await GetManyAsync(client, "/hello", 30);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        BackendRuntime dead = proxy.Server.Pools[0].Backends[2];
        Assert.NotEqual(BreakerState.Closed, dead.Breaker.State);
        Assert.True(proxy.Server.Pools[0].Metrics.Retries >= 1);
    }

    [Fact]
    public async Task BackendFailingWith503_RetriedOnAnother_ClientsSeeNoError()
    {
        await using TestBackend a = await TestBackend.StartAsync("a");
        await using TestBackend b = await TestBackend.StartAsync("b");
        await using TestBackend failing = await TestBackend.StartAsync("failing");
        failing.Fail503Share = 1.0;
        await using ProxyHost proxy = await ProxyHost.StartAsync([a.Address, b.Address, failing.Address], configure: o =>
            OneRoute(o, new RetryOptions { Attempts = 3, On = ["503"] }));
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };

        List<HttpStatusCode> statuses = await GetManyAsync(client, "/hello", 45);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.True(failing.Arrived >= 10, $"{failing.Arrived} requests reached the failing backend");
        Assert.Equal(failing.Arrived, proxy.Server.Pools[0].Metrics.Retries);
    }

    [Fact]
    public async Task Plain503ToAPost_IsRelayed_NotRetried()
    {
        await using TestBackend a = await TestBackend.StartAsync("a");
        await using TestBackend failing = await TestBackend.StartAsync("failing");
        failing.Fail503Share = 1.0;
        await using ProxyHost proxy = await ProxyHost.StartAsync([a.Address, failing.Address], configure: o =>
            OneRoute(o, new RetryOptions { Attempts = 3, On = ["503"] }));
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };

        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 4; i++)
        {
            using HttpResponseMessage response = await client.PostAsync("/record", new StringContent($"order-{i}"));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.ServiceUnavailable));
        Assert.Equal(0, proxy.Server.Pools[0].Metrics.Retries);
    }

    [Fact]
    public async Task PostRefusedWithRetryAfterZero_IsRetriedWithItsBody_OnAnotherBackend()
    {
        await using TestBackend refusing = await TestBackend.StartAsync("refusing");
        await using TestBackend b = await TestBackend.StartAsync("b");
        refusing.Fail503Share = 1.0;
        refusing.RetryAfterZero = true;
        await using ProxyHost proxy = await ProxyHost.StartAsync([refusing.Address, b.Address]);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };

        for (int i = 0; i < 4; i++)
        {
            using HttpResponseMessage response = await client.PostAsync("/record", new StringContent($"order-{i}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal($"b:order-{i}", await response.Content.ReadAsStringAsync());
        }

        // Whatever reached the refusing backend first was a whole body of one of them, and was retried.
        string[] refused = refusing.Recorded.ToArray();
        Assert.NotEmpty(refused);
        Assert.All(refused, r => Assert.Matches("^503:order-[0-3]$", r));
        Assert.Equal(refused.Length, refused.Distinct().Count());
        Assert.Equal(refused.Length, proxy.Server.Pools[0].Metrics.Retries);
    }

    [Fact]
    public async Task ExhaustedRetryBudget_StopsRetries_AndIsCounted()
    {
        await using TestBackend a = await TestBackend.StartAsync("a");
        await using TestBackend failing = await TestBackend.StartAsync("failing");
        failing.Fail503Share = 1.0;
        await using ProxyHost proxy = await ProxyHost.StartAsync([failing.Address, a.Address], configure: o =>
        {
            OneRoute(o, new RetryOptions { Attempts = 3, On = ["503"] });
            o.Pools[0].RetryBudget = new RetryBudgetOptions { Percent = 0, MinPerSecond = 0.2 };
        });
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };

        // A floor of 0.2 per second is 2 retries per 10 s window; after those, every 503 reaches the client.
        List<HttpStatusCode> statuses = await GetManyAsync(client, "/hello", 12, parallel: 1);

        PoolRuntime pool = proxy.Server.Pools[0];
        Assert.Equal(2, pool.Metrics.Retries);
        int refused = statuses.Count(s => s == HttpStatusCode.ServiceUnavailable);
        Assert.True(refused >= 3, $"{refused} 503s reached the client");
        Assert.Equal(refused, pool.RetryBudget.Exhausted);
        Assert.Equal(failing.Arrived, refused + 2);
        string metrics = await client.GetStringAsync(new Uri(proxy.AdminUri, "/metrics"));
        Assert.Contains($"fastlb_retry_budget_exhausted_total{{pool=\"main\"}} {refused}\n", metrics);
    }

    [Fact]
    public async Task TotalTimeout_Answers504_AndIsCountedByKind()
    {
        await using TestBackend a = await TestBackend.StartAsync("a");
        await using ProxyHost proxy = await ProxyHost.StartAsync([a.Address], configure: o =>
            OneRoute(o, timeouts: new RouteTimeoutOptions { TotalMs = 300 }));
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };

        using HttpResponseMessage slow = await client.GetAsync("/slow/3000");
        using HttpResponseMessage fast = await client.GetAsync("/hello");

        Assert.Equal(HttpStatusCode.GatewayTimeout, slow.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fast.StatusCode);
        string metrics = await client.GetStringAsync(new Uri(proxy.AdminUri, "/metrics"));
        Assert.Contains("fastlb_timeouts_total{pool=\"main\",kind=\"total\"} 1\n", metrics);
    }

    [Fact]
    public async Task RouteResponseHeadTimeout_OverridesTheLimit_AndATimeoutIsNotRetriedWhereTheRouteSaysNot()
    {
        await using TestBackend a = await TestBackend.StartAsync("a");
        await using TestBackend b = await TestBackend.StartAsync("b");
        a.Frozen = true;
        b.Frozen = true;
        await using ProxyHost proxy = await ProxyHost.StartAsync([a.Address, b.Address], configure: o =>
            OneRoute(o, new RetryOptions { Attempts = 2, On = [] }, new RouteTimeoutOptions { ResponseHeaderMs = 200 }));
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };

        using HttpResponseMessage response = await client.GetAsync("/hello");

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal(0, proxy.Server.Pools[0].Metrics.Retries);
        Assert.Equal(1, proxy.Server.Pools[0].Metrics.Timeouts(Proxy.Metrics.TimeoutKind.ResponseHead));
    }

    [Fact]
    public async Task EveryCircuitOpen_ThePoolFailsOpen_AndSaysSo()
    {
        await using TestBackend a = await TestBackend.StartAsync("a");
        await using TestBackend b = await TestBackend.StartAsync("b");
        await using ProxyHost proxy = await ProxyHost.StartAsync([a.Address, b.Address], configure: o =>
            o.Pools[0].Breaker = new BreakerOptions { ConsecutiveFailures = 1, Statuses = [500], CoolDownMs = 60_000, MaxCoolDownMs = 60_000 });
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };

        List<HttpStatusCode> statuses = await GetManyAsync(client, "/status/500", 6, parallel: 1);

        // Both circuits opened, yet every request still reached a backend (500 relayed, never a 503 of the proxy's).
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.InternalServerError, s));
        PoolRuntime pool = proxy.Server.Pools[0];
        Assert.True(pool.Balancer.IsFailingOpen);
        Assert.True(pool.Balancer.FailOpenPicks >= 4);
        using JsonDocument status = JsonDocument.Parse(await client.GetStringAsync(new Uri(proxy.AdminUri, "/status")));
        Assert.True(status.RootElement.GetProperty("pools")[0].GetProperty("failing_open").GetBoolean());
        string metrics = await client.GetStringAsync(new Uri(proxy.AdminUri, "/metrics"));
        Assert.Contains("fastlb_pool_failing_open{pool=\"main\"} 1\n", metrics);
    }

    [Fact]
    public async Task SlowBackend_IsEjectedAsALatencyOutlier_ThenComesBack()
    {
        await using TestBackend a = await TestBackend.StartAsync("a");
        await using TestBackend b = await TestBackend.StartAsync("b");
        await using TestBackend slow = await TestBackend.StartAsync("slow");
        slow.DelayMs = 150;
        await using ProxyHost proxy = await ProxyHost.StartAsync([a.Address, b.Address, slow.Address], configure: o =>
            o.Pools[0].OutlierDetection = new OutlierOptions { Ratio = 3, WindowMs = 300, MinLatencyMs = 20, BaseEjectionMs = 1_000, MaxEjectionMs = 1_000, MaxEjectedPercent = 50 });
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };
        BackendRuntime backend = proxy.Server.Pools[0].Backends[2];

        await WaitUntilAsync(async () =>
        {
            await GetManyAsync(client, "/hello", 6);
            return backend.Watch.IsEjected;
        });
        Assert.Equal(OutReason.Ejected, backend.State.Out);
        int arrived = slow.Arrived;
        await GetManyAsync(client, "/hello", 9);
        Assert.Equal(arrived, slow.Arrived);

        // The ejection runs out and the backend is in rotation again.
        await WaitUntilAsync(() => Task.FromResult(!backend.Watch.IsEjected));
        Assert.True(backend.State.IsAvailable);
        Assert.Equal(1, backend.Watch.Ejections);
    }

    [Fact]
    public async Task BackendAddedByAReload_RampsUpUnderSlowStart()
    {
        await using TestBackend a = await TestBackend.StartAsync("a");
        await using TestBackend added = await TestBackend.StartAsync("added");
        string folder = Directory.CreateTempSubdirectory("fastlb-slowstart-").FullName;
        string config = Path.Combine(folder, "fastlb.json");
        string Config(string backends) => $$"""
            {
              "admin": { "listen": "127.0.0.1:0" },
              "listeners": [ { "name": "main", "listen": "127.0.0.1:0", "mode": "http", "pool": "main" } ],
              "pools": [ { "name": "main", "policy": "round_robin", "slowStartMs": 60000, "backends": [ {{backends}} ] } ]
            }
            """;
        File.WriteAllText(config, Config($"{{ \"address\": \"{a.Address}\" }}"));
        await using ProxyHost proxy = await ProxyHost.StartFromFileAsync(config);
        File.WriteAllText(config, Config($"{{ \"address\": \"{a.Address}\" }}, {{ \"address\": \"{added.Address}\" }}"));
        Assert.Equal(ReloadOutcome.Applied, (await proxy.Server.ReloadAsync()).Outcome);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };

        await GetManyAsync(client, "/hello", 200, parallel: 8);

        // Round robin would give it half; at the start of a one-minute ramp it keeps about a tenth of that.
        Assert.InRange(added.Requests, 1, 40);
        BackendRuntime backend = proxy.Server.Pools[0].Backends[1];
        Assert.InRange(backend.State.Share, 0.1, 0.2);
        Directory.Delete(folder, recursive: true);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, int timeoutMs = 15000)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.ElapsedMilliseconds < timeoutMs, "condition not met in time");
            await Task.Delay(50);
        }
    }
}

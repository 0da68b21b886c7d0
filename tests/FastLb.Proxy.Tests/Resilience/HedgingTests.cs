using System.Net;
using FastLb.Proxy.Configuration;
using FastLb.Proxy.Runtime;
using FastLb.Proxy.Tests.Infrastructure;
using static FastLb.Proxy.Tests.Admin.AdminEndpointTests;

namespace FastLb.Proxy.Tests.Resilience;

public sealed class HedgingTests
{
    [Fact]
    public async Task ASlowAnswer_IsHedgedToAnotherBackend_WhichWins_AndTheSlowAttemptIsCancelled()
    {
        await using TestBackend slow = await TestBackend.StartAsync("slow");
        await using TestBackend fast = await TestBackend.StartAsync("fast");
        await using ProxyHost proxy = await ProxyHost.StartAsync([slow.Address, fast.Address], configure: o =>
            o.Routes = [new RouteOptions { Listener = "main", PathPrefix = "/", Pool = "main", Hedge = new HedgeOptions { DelayMs = 300, MaxPercent = 50 } }]);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };
        PoolRuntime pool = proxy.Server.Pools[0];

        // Requests first, so the budget (a share of those the monitor saw) has room.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (pool.HedgeBudget.Allowance < 3)
        {
            Assert.True(watch.ElapsedMilliseconds < 15_000, "the hedge budget never grew");
            await PassiveDetectionTests.GetManyAsync(client, "/hello", 4, parallel: 1);
            await Task.Delay(100);
        }
        slow.DelayMs = 5_000;

        var bodies = new List<string>();
        for (int i = 0; i < 4; i++)
        {
            using HttpResponseMessage response = await client.GetAsync("/hello");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            bodies.Add(await response.Content.ReadAsStringAsync());
        }

        // Every answer came from the fast backend: the two sent to the slow one after a hedge that won
        // (a fast answer slower than the delay on this loaded machine may be hedged too, and lose).
        Assert.All(bodies, b => Assert.Equal("hello from fast", b));
        Assert.InRange(pool.Metrics.HedgesWon, 2, 4);
        Assert.True(pool.Metrics.Hedges >= pool.Metrics.HedgesWon);
        await WaitUntilAsync(() => slow.InFlight == 0 && pool.Backends[0].State.InFlight == 0);
        string metrics = await client.GetStringAsync(new Uri(proxy.AdminUri, "/metrics"));
        Assert.Contains($"fastlb_hedges_total{{pool=\"main\",result=\"won\"}} {pool.Metrics.HedgesWon}\n", metrics);
    }

    [Fact]
    public async Task APost_IsNeverHedged()
    {
        await using TestBackend slow = await TestBackend.StartAsync("slow");
        await using TestBackend fast = await TestBackend.StartAsync("fast");
        slow.DelayMs = 300;
        await using ProxyHost proxy = await ProxyHost.StartAsync([slow.Address, fast.Address], configure: o =>
            o.Routes = [new RouteOptions { Listener = "main", PathPrefix = "/", Pool = "main", Hedge = new HedgeOptions { DelayMs = 20, MaxPercent = 50 } }]);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };

        for (int i = 0; i < 4; i++)
        {
            using HttpResponseMessage response = await client.PostAsync("/record", new StringContent($"order-{i}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(0, proxy.Server.Pools[0].Metrics.Hedges);
        Assert.Equal(2, slow.Recorded.Count);
        Assert.Equal(2, fast.Recorded.Count);
    }
}

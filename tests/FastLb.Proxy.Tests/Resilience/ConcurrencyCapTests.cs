using System.Net;
using FastLb.Proxy.Configuration;
using FastLb.Proxy.Runtime;
using FastLb.Proxy.Tests.Infrastructure;
using static FastLb.Proxy.Tests.Admin.AdminEndpointTests;

namespace FastLb.Proxy.Tests.Resilience;

public sealed class ConcurrencyCapTests
{
    [Fact]
    public async Task AtTheCap_ARequestWaitsInTheQueue_OneBeyondItIs503_AndTheWaiterIsServedWhenASlotFrees()
    {
        await using TestBackend backend = await TestBackend.StartAsync("b");
        await using ProxyHost proxy = await ProxyHost.StartAsync([backend.Address], configure: o =>
            o.Pools[0].Concurrency = new ConcurrencyOptions { PerBackend = 1, Queue = 1, QueueTimeoutMs = 30_000 });
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };
        PoolRuntime pool = proxy.Server.Pools[0];

        Task<HttpResponseMessage> held = client.GetAsync("/hold");
        await WaitUntilAsync(() => backend.InFlight == 1);
        Task<HttpResponseMessage> waiting = client.GetAsync("/hello");
        await WaitUntilAsync(() => pool.Queue.Count == 1);

        using HttpResponseMessage refused = await client.GetAsync("/hello");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.True(refused.Headers.Contains("Retry-After"));
        Assert.False(waiting.IsCompleted);

        backend.ReleaseHeld();
        using HttpResponseMessage first = await held;
        using HttpResponseMessage second = await waiting;

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(1, pool.Queue.RejectedFull);
        string metrics = await client.GetStringAsync(new Uri(proxy.AdminUri, "/metrics"));
        Assert.Contains("fastlb_pool_queue_rejected_total{pool=\"main\",reason=\"full\"} 1\n", metrics);
    }

    [Fact]
    public async Task AWaitPastTheQueueTimeout_Is503()
    {
        await using TestBackend backend = await TestBackend.StartAsync("b");
        await using ProxyHost proxy = await ProxyHost.StartAsync([backend.Address], configure: o =>
            o.Pools[0].Concurrency = new ConcurrencyOptions { PerBackend = 1, Queue = 4, QueueTimeoutMs = 300 });
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };

        Task<HttpResponseMessage> held = client.GetAsync("/hold");
        await WaitUntilAsync(() => backend.InFlight == 1);
        using HttpResponseMessage late = await client.GetAsync("/hello");
        backend.ReleaseHeld();
        using HttpResponseMessage first = await held;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, late.StatusCode);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(1, proxy.Server.Pools[0].Queue.RejectedTimeout);
    }

    [Fact]
    public async Task WithoutAQueue_TheCapAnswers503AtOnce_AndSendsToABackendBelowIt()
    {
        await using TestBackend a = await TestBackend.StartAsync("a");
        await using TestBackend b = await TestBackend.StartAsync("b");
        await using ProxyHost proxy = await ProxyHost.StartAsync([a.Address, b.Address], configure: o =>
            o.Pools[0].Concurrency = new ConcurrencyOptions { PerBackend = 1 });
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };

        Task<HttpResponseMessage> first = client.GetAsync("/hold");
        await WaitUntilAsync(() => a.InFlight + b.InFlight == 1);
        Task<HttpResponseMessage> second = client.GetAsync("/hold");
        await WaitUntilAsync(() => a.InFlight == 1 && b.InFlight == 1);
        using HttpResponseMessage third = await client.GetAsync("/hello");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, third.StatusCode);
        a.ReleaseHeld();
        b.ReleaseHeld();
        Assert.Equal(HttpStatusCode.OK, (await first).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second).StatusCode);
    }
}

using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using FastLb.Policy;
using FastLb.Proxy.Runtime;
using FastLb.Proxy.Tests.Infrastructure;
using FastLb.Proxy.Tests.Model;
using static FastLb.Proxy.Tests.Admin.AdminEndpointTests;

namespace FastLb.Proxy.Tests.Forwarding;

/// <summary>Every way an attempt can end completes its lease exactly once: the pool and every backend
/// come back to nothing in flight, and each backend's ended count is the number of attempts it got.</summary>
/// <remarks>A lost completion leaves an attempt in flight for ever; a second one drives the count
/// below zero or counts an attempt twice; both fail the checks below.</remarks>
public sealed class AttemptCompletionTests
{
    /// <summary>Waits until nothing is in flight, then checks each backend's ended attempts and failures.</summary>
    private static async Task AssertSettledAsync(ProxyHost proxy, long[] attempts, long[]? failures = null)
    {
        PoolRuntime pool = proxy.Server.Pools[0];
        await WaitUntilAsync(() => pool.Balancer.InFlight == 0 && pool.Backends.All(b => b.State.InFlight == 0));

        // The ended counts settle with the in-flight ones (the same completion); a late second one would show up here.
        await Task.Delay(100);
        Assert.Equal(0, pool.Balancer.InFlight);
        Assert.Equal(attempts, pool.Backends.Select(b => b.State.Requests));
        Assert.All(pool.Backends, b => Assert.Equal(0, b.State.InFlight));
        if (failures is not null)
        {
            Assert.Equal(failures, pool.Backends.Select(b => b.State.Failures));
        }
    }

    [Fact]
    public async Task Success_OneAttempt()
    {
        await using TestBackend backend = await TestBackend.StartAsync("b");
        await using ProxyHost proxy = await ProxyHost.StartAsync([backend.Address]);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };

        Assert.Equal("hello from b", await client.GetStringAsync("/hello"));

        await AssertSettledAsync(proxy, [1], [0]);
    }

    [Fact]
    public async Task ServerError_OneFailedAttempt()
    {
        await using TestBackend backend = await TestBackend.StartAsync("b");
        await using ProxyHost proxy = await ProxyHost.StartAsync([backend.Address]);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/status/503")).StatusCode);

        await AssertSettledAsync(proxy, [1], [1]);
    }

    [Fact]
    public async Task ResponseHeadTimeout_OneFailedAttempt()
    {
        await using TestBackend backend = await TestBackend.StartAsync("b");
        await using ProxyHost proxy = await ProxyHost.StartAsync([backend.Address], configure: o => o.Limits.ResponseHeaderTimeoutMs = 200);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };

        Assert.Equal(HttpStatusCode.GatewayTimeout, (await client.GetAsync("/slow/3000")).StatusCode);

        await AssertSettledAsync(proxy, [1], [1]);
    }

    [Fact]
    public async Task ClientGoneMidRequestBody_OneAttempt()
    {
        await using TestBackend backend = await TestBackend.StartAsync("b");
        await using ProxyHost proxy = await ProxyHost.StartAsync([backend.Address]);
        await using (RawHttp raw = await RawHttp.ConnectAsync(proxy.EndPoint))
        {
            await raw.SendAsync("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" + new string('a', 1000));
            await WaitUntilAsync(() => proxy.Server.Pools[0].Balancer.InFlight == 1);
            raw.Socket.LingerState = new LingerOption(true, 0);
        }

        await AssertSettledAsync(proxy, [1]);
    }

    [Fact]
    public async Task ConnectRefused_RetriedOnAnother_TwoAttemptsOneRetry()
    {
        await using TestBackend live = await TestBackend.StartAsync("live");
        await using ProxyHost proxy = await ProxyHost.StartAsync([$"127.0.0.1:{HttpErrorTests.FreePort()}", live.Address]);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };

        // Round robin sends the first request to the dead backend: refused, then retried on the live one.
        Assert.Equal("hello from live", await client.GetStringAsync("/hello"));

        await AssertSettledAsync(proxy, [1, 1], [1, 0]);
        Assert.Equal(1, proxy.Server.Pools[0].Metrics.Retries);
        Assert.Equal(1, proxy.Server.Pools[0].Backends[0].Metrics.Requests(5));
    }

    [Fact]
    public async Task StaleKeptAliveConnection_RetriedFresh_EveryAttemptCountedOnce()
    {
        // The backend says keep-alive but closes after each answer: each later request first finds
        // its pooled connection closed (an attempt that ends at once), then goes out on a fresh one.
        await using RawBackend backend = RawBackend.Answering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", closeAfter: true);
        await using ProxyHost proxy = await ProxyHost.StartAsync([backend.Address]);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal("ok", await client.GetStringAsync("/"));
        }

        PoolRuntime pool = proxy.Server.Pools[0];
        long retries = pool.Metrics.Retries;
        await AssertSettledAsync(proxy, [5 + retries]);
        Assert.Equal(5, pool.Backends[0].Metrics.Requests(1));
        Assert.Equal(retries, pool.Backends[0].Metrics.Requests(5));
    }

    [Fact]
    public async Task Shed_NoAttempt()
    {
        // The repository's model predicts tens of ms; with a 1 ms deadline fastlb sheds a request for a
        // backend that has one in flight. A shed takes no lease.
        await using TestBackend backend = await TestBackend.StartAsync("b");
        await using ProxyHost proxy = await ProxyHost.StartAsync([backend.Address], policy: "fastlb", configure: o =>
        {
            o.Model.Path = ModelWatcherTests.RepositoryModel;
            o.Pools[0].DeadlineMs = 1;
        });
        var policy = Assert.IsType<FastLb.Policy.Learning.FastLbPolicy>(proxy.Server.Pools[0].Balancer.Policy);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
        Assert.Equal("hello from b", await client.GetStringAsync("/hello"));
        long builds = policy.TableBuilds;
        await WaitUntilAsync(() => policy.TableBuilds >= builds + 2);
        Task<string> held = client.GetStringAsync("/hold");
        await WaitUntilAsync(() => backend.InFlight == 1);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/hello")).StatusCode);
        Assert.Equal(1, proxy.Server.Pools[0].Balancer.Shed);
        backend.ReleaseHeld();
        await held.WaitAsync(TimeSpan.FromSeconds(10));

        await AssertSettledAsync(proxy, [2], [0]);
    }

    [Fact]
    public async Task WebSocket_OneAttemptForTheWholeTunnel()
    {
        await using TestBackend backend = await TestBackend.StartAsync("b");
        await using ProxyHost proxy = await ProxyHost.StartAsync([backend.Address]);
        using (var socket = new ClientWebSocket())
        {
            await socket.ConnectAsync(new Uri($"ws://{proxy.EndPoint}/ws"), CancellationToken.None);
            await socket.SendAsync(Encoding.UTF8.GetBytes("hi"), WebSocketMessageType.Text, true, CancellationToken.None);
            var buffer = new byte[16];
            await socket.ReceiveAsync(buffer, CancellationToken.None);
            Assert.Equal(1, proxy.Server.Pools[0].Balancer.InFlight);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        }

        await AssertSettledAsync(proxy, [1], [0]);
    }

    [Fact]
    public async Task TcpSession_OneAttempt()
    {
        await using TestBackend backend = await TestBackend.StartAsync("b");
        await using ProxyHost proxy = await ProxyHost.StartAsync([backend.Address], mode: "tcp");
        await using (RawHttp raw = await RawHttp.ConnectAsync(proxy.EndPoint))
        {
            await raw.SendAsync("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            Assert.Equal(200, (await raw.ReadResponseAsync()).Status);
        }

        await AssertSettledAsync(proxy, [1], [0]);
    }

    [Fact]
    public async Task TcpConnectRefused_RetriedOnAnother_TwoAttemptsOneRetry()
    {
        await using TestBackend live = await TestBackend.StartAsync("live");
        await using ProxyHost proxy = await ProxyHost.StartAsync([$"127.0.0.1:{HttpErrorTests.FreePort()}", live.Address], mode: "tcp");
        await using (RawHttp raw = await RawHttp.ConnectAsync(proxy.EndPoint))
        {
            await raw.SendAsync("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            Assert.Equal(200, (await raw.ReadResponseAsync()).Status);
        }

        await AssertSettledAsync(proxy, [1, 1], [1, 0]);
        Assert.Equal(1, proxy.Server.Pools[0].Metrics.Retries);
    }
}

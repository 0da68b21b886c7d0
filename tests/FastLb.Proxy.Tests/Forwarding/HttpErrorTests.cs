using System.Net;
using FastLb.Proxy.Configuration;
using FastLb.Proxy.Http;
using FastLb.Proxy.Tests.Infrastructure;

namespace FastLb.Proxy.Tests.Forwarding;

public sealed class HttpErrorTests
{
    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400)]
    [InlineData("GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n folded\r\n\r\n", 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: x\rY\r\n\r\n", 400)]
    [InlineData("GET / HTTP/1.1\r\n\r\n", 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", 400)]
    [InlineData("GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505)]
    [InlineData("CONNECT x:443 HTTP/1.1\r\nHost: x\r\n\r\n", 501)]
    [InlineData("GARBAGE\r\n\r\n", 400)]
    public async Task BadRequest_AnsweredWithStatus_ClosedAndNeverForwarded(string request, int status)
    {
        await using TestBackend backend = await TestBackend.StartAsync("b");
        await using ProxyHost proxy = await ProxyHost.StartAsync([backend.Address]);
        await using RawHttp raw = await RawHttp.ConnectAsync(proxy.EndPoint);

        await raw.SendAsync(request);
        RawResponse response = await raw.ReadResponseAsync();

        Assert.Equal(status, response.Status);
        Assert.Equal("close", response.Header("Connection"));
        Assert.Matches("^[0-9a-f]{16}$", response.Header("X-Request-Id"));
        Assert.True(await raw.IsClosedByPeerAsync());
        Assert.Equal(0, backend.Requests);
        Assert.Equal(1, proxy.Server.Metrics.ErrorResponses(status));
    }

    [Fact]
    public async Task HugeHead_Answered431()
    {
        await using TestBackend backend = await TestBackend.StartAsync("b");
        await using ProxyHost proxy = await ProxyHost.StartAsync([backend.Address], configure: o => o.Limits.MaxHeaderBytes = 1024);
        await using RawHttp raw = await RawHttp.ConnectAsync(proxy.EndPoint);

        await raw.SendAsync($"GET / HTTP/1.1\r\nHost: x\r\nX-Big: {new string('a', 2000)}\r\n\r\n");
        RawResponse response = await raw.ReadResponseAsync();

        Assert.Equal(431, response.Status);
        Assert.Equal(1, proxy.Server.Metrics.Rejections(RejectReason.HeaderTooLarge));
    }

    [Fact]
    public async Task ContentLengthOverLimit_Answered413()
    {
        await using TestBackend backend = await TestBackend.StartAsync("b");
        await using ProxyHost proxy = await ProxyHost.StartAsync([backend.Address], configure: o => o.Limits.MaxBodyBytes = 100);
        await using RawHttp raw = await RawHttp.ConnectAsync(proxy.EndPoint);

        await raw.SendAsync("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n");
        RawResponse response = await raw.ReadResponseAsync();

        Assert.Equal(413, response.Status);
        Assert.Equal(0, backend.Requests);
    }

    [Fact]
    public async Task ChunkedBodyOverLimit_Answered413()
    {
        await using TestBackend backend = await TestBackend.StartAsync("b");
        await using ProxyHost proxy = await ProxyHost.StartAsync([backend.Address], configure: o => o.Limits.MaxBodyBytes = 100);
        await using RawHttp raw = await RawHttp.ConnectAsync(proxy.EndPoint);

        await raw.SendAsync($"POST /count HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n{200:x}\r\n{new string('z', 200)}\r\n0\r\n\r\n");
        RawResponse response = await raw.ReadResponseAsync();

        Assert.Equal(413, response.Status);
        Assert.True(await raw.IsClosedByPeerAsync());
    }

    [Fact]
    public async Task DeadOnlyBackend_Answered502()
    {
        int deadPort = FreePort();
        await using ProxyHost proxy = await ProxyHost.StartAsync([$"127.0.0.1:{deadPort}"]);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };

        using HttpResponseMessage response = await client.GetAsync("/hello");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.True(response.Headers.Contains("X-Request-Id"));
    }

    [Fact]
    public async Task DeadBackendAmongLive_OthersKeepServing()
    {
        int deadPort = FreePort();
        await using TestBackend live = await TestBackend.StartAsync("live");
        await using ProxyHost proxy = await ProxyHost.StartAsync([$"127.0.0.1:{deadPort}", live.Address]);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };

        for (int i = 0; i < 20; i++)
        {
            Assert.Equal("hello from live", await client.GetStringAsync("/hello"));
        }

        Assert.False(proxy.Server.Pools[0].Backends[0].State.IsAvailable);
        Assert.Equal(1, proxy.Server.Pools[0].Backends[0].Metrics.ConnectFailures);
    }

    [Fact]
    public async Task NoAvailableBackend_Answered503()
    {
        await using TestBackend backend = await TestBackend.StartAsync("b");
        await using ProxyHost proxy = await ProxyHost.StartAsync([backend.Address]);
        proxy.Server.Pools[0].Backends[0].State.SetAvailable(false);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };

        using HttpResponseMessage response = await client.GetAsync("/hello");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);

        // Not a shed: no Retry-After, not counted as one.
        Assert.Null(response.Headers.RetryAfter);
        Assert.Equal(0, proxy.Server.Pools[0].Metrics.Shed);
    }

    [Fact]
    public async Task SlowResponseHead_Answered504()
    {
        await using TestBackend backend = await TestBackend.StartAsync("b");
        await using ProxyHost proxy = await ProxyHost.StartAsync([backend.Address], configure: o => o.Limits.ResponseHeaderTimeoutMs = 300);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };

        using HttpResponseMessage response = await client.GetAsync("/slow/5000");

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
    }

    [Fact]
    public async Task SlowClientHead_CutOffWith408()
    {
        await using TestBackend backend = await TestBackend.StartAsync("b");
        await using ProxyHost proxy = await ProxyHost.StartAsync([backend.Address], configure: o => o.Limits.HeaderTimeoutMs = 300);
        await using RawHttp raw = await RawHttp.ConnectAsync(proxy.EndPoint);

        await raw.SendAsync("GET /hello HTTP/1.1\r\nHost: x\r\n");
        RawResponse response = await raw.ReadResponseAsync();

        Assert.Equal(408, response.Status);
        Assert.True(await raw.IsClosedByPeerAsync());
    }

    [Fact]
    public async Task NoRoute_Answered404()
    {
        await using TestBackend backend = await TestBackend.StartAsync("b");
        var options = new ProxyOptions
        {
            Admin = new AdminOptions { Listen = "127.0.0.1:0" },
            Listeners = [new ListenerOptions { Name = "web", Listen = "127.0.0.1:0" }],
            Routes = [new RouteOptions { Listener = "web", PathPrefix = "/api", Pool = "api" }],
            Pools = [new PoolOptions { Name = "api", Backends = [new BackendOptions { Address = backend.Address }] }],
        };
        await using ProxyHost proxy = await ProxyHost.StartAsync(options);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/other")).StatusCode);
        Assert.Equal("api from b", await client.GetStringAsync("/api/hello"));
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\nok")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok")]
    [InlineData("HTTP/1.1 200 OK\r\nBad Header: x\r\n\r\n")]
    [InlineData("NONSENSE\r\n\r\n")]
    public async Task MalformedResponseHead_Answered502(string answer)
    {
        await using RawBackend backend = RawBackend.Answering(answer, closeAfter: true);
        await using ProxyHost proxy = await ProxyHost.StartAsync([backend.Address]);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };

        using HttpResponseMessage response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
    }

    [Fact]
    public async Task BackendClosingEveryConnection_RequestsStillSucceed()
    {
        // The backend says keep-alive but closes after each answer: pooled connections go stale.
        await using RawBackend backend = RawBackend.Answering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", closeAfter: true);
        await using ProxyHost proxy = await ProxyHost.StartAsync([backend.Address]);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };

        for (int i = 0; i < 10; i++)
        {
            Assert.Equal("ok", await client.GetStringAsync("/"));
        }

        Assert.True(backend.Accepted >= 10);
    }

    [Fact]
    public async Task ClientGoneMidResponse_OutcomeReportedAndInFlightBackToZero()
    {
        await using TestBackend backend = await TestBackend.StartAsync("b");
        await using ProxyHost proxy = await ProxyHost.StartAsync([backend.Address]);
        var state = proxy.Server.Pools[0].Backends[0].State;
        await using (RawHttp raw = await RawHttp.ConnectAsync(proxy.EndPoint))
        {
            await raw.SendAsync("GET /size/52428800 HTTP/1.1\r\nHost: x\r\n\r\n");
            byte[] some = new byte[1024];
            await raw.Socket.ReceiveAsync(some, System.Net.Sockets.SocketFlags.None);
            raw.Socket.LingerState = new System.Net.Sockets.LingerOption(true, 0);
        }

        await Admin.AdminEndpointTests.WaitUntilAsync(() => state.Requests == 1);

        Assert.Equal(0, state.InFlight);
        Assert.Equal(0, proxy.Server.Pools[0].Balancer.InFlight);
        // The client left; the backend did nothing wrong, so it is not charged a failure.
        Assert.Equal(0, state.Failures);
    }

    internal static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

using System.Net;
using System.Net.WebSockets;
using System.Text;
using FastLb.Proxy.Tests.Infrastructure;

namespace FastLb.Proxy.Tests.Forwarding;

/// <summary>Shared world: two Kestrel backends behind one round-robin proxy.</summary>
public sealed class TwoBackendsFixture : IAsyncLifetime
{
    public TestBackend A { get; private set; } = null!;
    public TestBackend B { get; private set; } = null!;
    internal ProxyHost Proxy { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        A = await TestBackend.StartAsync("a");
        B = await TestBackend.StartAsync("b");
        Proxy = await ProxyHost.StartAsync([A.Address, B.Address]);
        Client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = Proxy.BaseUri };
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Proxy.DisposeAsync();
        await A.DisposeAsync();
        await B.DisposeAsync();
    }
}

public sealed class HttpForwardingTests(TwoBackendsFixture world) : IClassFixture<TwoBackendsFixture>
{
    [Fact]
    public async Task Get_HttpClient_ReturnsBackendBody()
    {
        string body = await world.Client.GetStringAsync("/hello");

        Assert.Matches("^hello from [ab]$", body);
    }

    [Fact]
    public async Task Get_ManyRequestsRoundRobin_SpreadsEvenly()
    {
        var counts = new Dictionary<string, int>();
        for (int i = 0; i < 100; i++)
        {
            string body = await world.Client.GetStringAsync("/hello");
            counts[body] = counts.GetValueOrDefault(body) + 1;
        }

        Assert.Equal(2, counts.Count);
        Assert.All(counts.Values, c => Assert.InRange(c, 49, 51));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(64 * 1024)]
    public async Task Post_ContentLengthBody_EchoedExactly(int size)
    {
        byte[] payload = Payload(size);

        using HttpResponseMessage response = await world.Client.PostAsync("/echo", new ByteArrayContent(payload));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(payload, await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(64 * 1024)]
    public async Task Post_ChunkedBody_EchoedExactly(int size)
    {
        byte[] payload = Payload(size);
        var content = new StreamContent(new MemoryStream(payload));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/echo") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using HttpResponseMessage response = await world.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(payload, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Get_ChunkedResponse_RelayedWhole()
    {
        byte[] body = await world.Client.GetByteArrayAsync("/chunked/100000");

        Assert.Equal(100000, body.Length);
        Assert.Equal((byte)'a', body[0]);
    }

    [Fact]
    public async Task Get_SequentialOnOneClientConnection_ReusesUpstreamConnections()
    {
        await using TestBackend solo = await TestBackend.StartAsync("solo");
        await using ProxyHost proxy = await ProxyHost.StartAsync([solo.Address]);
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 1 }) { BaseAddress = proxy.BaseUri };

        for (int i = 0; i < 20; i++)
        {
            Assert.Equal("hello from solo", await client.GetStringAsync("/hello"));
        }

        Assert.Equal(20, solo.Requests);
        Assert.Single(solo.Connections);
        Assert.Equal(19, proxy.Server.Pools[0].Backends[0].Metrics.ConnectionsReused);
    }

    [Fact]
    public async Task Pipelined_ThreeRequestsInOneWrite_AnsweredInOrder()
    {
        await using RawHttp raw = await RawHttp.ConnectAsync(world.Proxy.EndPoint);

        await raw.SendAsync(
            "GET /slow/200 HTTP/1.1\r\nHost: x\r\n\r\n" +
            "GET /size/3 HTTP/1.1\r\nHost: x\r\n\r\n" +
            "GET /status/204 HTTP/1.1\r\nHost: x\r\n\r\n");

        RawResponse first = await raw.ReadResponseAsync();
        RawResponse second = await raw.ReadResponseAsync();
        RawResponse third = await raw.ReadResponseAsync();
        Assert.StartsWith("slow from", first.BodyText);
        Assert.Equal("abc", second.BodyText);
        Assert.Equal(204, third.Status);
    }

    [Fact]
    public async Task Head_NoBodyRelayed_ConnectionStaysUsable()
    {
        await using RawHttp raw = await RawHttp.ConnectAsync(world.Proxy.EndPoint);

        await raw.SendAsync("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n");
        RawResponse head = await raw.ReadResponseAsync(headRequest: true);
        await raw.SendAsync("GET /size/2 HTTP/1.1\r\nHost: x\r\n\r\n");
        RawResponse next = await raw.ReadResponseAsync();

        Assert.Equal(200, head.Status);
        Assert.Equal("11", head.Header("Content-Length"));
        Assert.Equal("ab", next.BodyText);
    }

    [Theory]
    [InlineData(204)]
    [InlineData(304)]
    public async Task Get_NoBodyStatus_RelayedAndConnectionReused(int status)
    {
        await using RawHttp raw = await RawHttp.ConnectAsync(world.Proxy.EndPoint);

        await raw.SendAsync($"GET /status/{status} HTTP/1.1\r\nHost: x\r\n\r\n");
        RawResponse response = await raw.ReadResponseAsync();
        await raw.SendAsync("GET /size/1 HTTP/1.1\r\nHost: x\r\n\r\n");
        RawResponse next = await raw.ReadResponseAsync();

        Assert.Equal(status, response.Status);
        Assert.Empty(response.Body);
        Assert.Equal("a", next.BodyText);
    }

    [Fact]
    public async Task Get_CloseDelimitedResponse_RelayedThenClientClosed()
    {
        await using RawBackend backend = RawBackend.Answering("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end", closeAfter: true);
        await using ProxyHost proxy = await ProxyHost.StartAsync([backend.Address]);
        await using RawHttp raw = await RawHttp.ConnectAsync(proxy.EndPoint);

        await raw.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        RawResponse response = await raw.ReadResponseAsync();

        Assert.Equal("until the end", response.BodyText);
        Assert.Equal("close", response.Header("Connection"));
    }

    [Fact]
    public async Task Post_Expect100Continue_InterimRelayedBeforeBody()
    {
        await using RawHttp raw = await RawHttp.ConnectAsync(world.Proxy.EndPoint);

        await raw.SendAsync("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
        RawResponse interim = await raw.ReadResponseAsync();
        await raw.SendAsync("hello");
        RawResponse final = await raw.ReadResponseAsync();

        Assert.Equal(100, interim.Status);
        Assert.Equal(200, final.Status);
        Assert.Equal("hello", final.BodyText);
    }

    [Fact]
    public async Task WebSocket_EchoThroughTunnel_RoundTrips()
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://{world.Proxy.EndPoint}/ws"), CancellationToken.None);
        byte[] message = Encoding.UTF8.GetBytes("ping through fastlb");

        await socket.SendAsync(message, WebSocketMessageType.Text, true, CancellationToken.None);
        byte[] buffer = new byte[1024];
        WebSocketReceiveResult result = await socket.ReceiveAsync(buffer, CancellationToken.None);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);

        Assert.Equal("ping through fastlb", Encoding.UTF8.GetString(buffer, 0, result.Count));
        Assert.Equal(WebSocketState.Closed, socket.State);
    }

    [Fact]
    public async Task Http10_WithoutKeepAlive_AnsweredThenClosed()
    {
        await using RawHttp raw = await RawHttp.ConnectAsync(world.Proxy.EndPoint);

        await raw.SendAsync("GET /size/4 HTTP/1.0\r\n\r\n");
        RawResponse response = await raw.ReadResponseAsync();

        Assert.Equal("abcd", response.BodyText);
        Assert.True(await raw.IsClosedByPeerAsync());
    }

    [Fact]
    public async Task Http10_WithKeepAlive_ConnectionKept()
    {
        await using RawHttp raw = await RawHttp.ConnectAsync(world.Proxy.EndPoint);

        await raw.SendAsync("GET /size/4 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        RawResponse first = await raw.ReadResponseAsync();
        await raw.SendAsync("GET /size/2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        RawResponse second = await raw.ReadResponseAsync();

        Assert.Equal("keep-alive", first.Header("Connection"));
        Assert.Equal("ab", second.BodyText);
    }

    [Fact]
    public async Task ConnectionClose_FromClient_AnsweredThenClosed()
    {
        await using RawHttp raw = await RawHttp.ConnectAsync(world.Proxy.EndPoint);

        await raw.SendAsync("GET /size/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        RawResponse response = await raw.ReadResponseAsync();

        Assert.Equal("close", response.Header("Connection"));
        Assert.True(await raw.IsClosedByPeerAsync());
    }

    [Fact]
    public async Task Headers_Forwarded_ProxyFieldsAddedAndHopByHopRemoved()
    {
        await using TestBackend solo = await TestBackend.StartAsync("solo");
        await using ProxyHost proxy = await ProxyHost.StartAsync([solo.Address]);
        await using RawHttp raw = await RawHttp.ConnectAsync(proxy.EndPoint);

        await raw.SendAsync("GET /hello HTTP/1.1\r\nHost: shop.test\r\nConnection: keep-alive, X-Secret\r\nX-Secret: 1\r\nKeep-Alive: timeout=5\r\nX-Forwarded-For: 10.0.0.1\r\nX-Custom: kept\r\n\r\n");
        RawResponse response = await raw.ReadResponseAsync();

        Assert.Equal(200, response.Status);
        var headers = solo.LastHeaders!;
        Assert.Equal("shop.test", headers.Host.ToString());
        Assert.Equal("10.0.0.1, 127.0.0.1", headers["X-Forwarded-For"].ToString());
        Assert.Equal("http", headers["X-Forwarded-Proto"].ToString());
        Assert.Matches("^[0-9a-f]{16}$", headers["X-Request-Id"].ToString());
        Assert.Equal("kept", headers["X-Custom"].ToString());
        Assert.False(headers.ContainsKey("X-Secret"));
        Assert.False(headers.ContainsKey("Keep-Alive"));
    }

    [Fact]
    public async Task Headers_GivenRequestId_KeptAsIs()
    {
        await using TestBackend solo = await TestBackend.StartAsync("solo");
        await using ProxyHost proxy = await ProxyHost.StartAsync([solo.Address]);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/hello");
        request.Headers.Add("X-Request-Id", "order-42");

        using HttpResponseMessage response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("order-42", solo.LastHeaders!["X-Request-Id"].ToString());
    }

    [Fact]
    public async Task AbsoluteFormTarget_AuthorityReplacesHost()
    {
        await using TestBackend solo = await TestBackend.StartAsync("solo");
        await using ProxyHost proxy = await ProxyHost.StartAsync([solo.Address]);
        await using RawHttp raw = await RawHttp.ConnectAsync(proxy.EndPoint);

        await raw.SendAsync("GET http://catalog.test:8080/hello?x=1 HTTP/1.1\r\nHost: ignored.test\r\n\r\n");
        RawResponse response = await raw.ReadResponseAsync();

        Assert.Equal("hello from solo", response.BodyText);
        Assert.Equal("catalog.test:8080", solo.LastHeaders!.Host.ToString());
    }

    [Fact]
    public async Task Curl_Get_ReturnsBody()
    {
        var start = new System.Diagnostics.ProcessStartInfo("curl", $"-s -f http://{world.Proxy.EndPoint}/api/hello")
        {
            RedirectStandardOutput = true,
        };
        using var curl = System.Diagnostics.Process.Start(start)!;
        string output = await curl.StandardOutput.ReadToEndAsync();
        await curl.WaitForExitAsync();

        Assert.Equal(0, curl.ExitCode);
        Assert.Matches("^api from [ab]$", output);
    }

    internal static byte[] Payload(int size)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        return bytes;
    }
}

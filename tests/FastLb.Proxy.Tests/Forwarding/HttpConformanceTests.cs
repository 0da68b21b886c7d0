using FastLb.Proxy.Tests.Infrastructure;

namespace FastLb.Proxy.Tests.Forwarding;

/// <summary>
/// Framing defects of the kinds request-smuggling corpora probe, each checked against a raw backend that
/// records exactly the bytes it received, with a follow-up request where keep-alive must go on.
/// </summary>
public sealed class HttpConformanceTests
{
    private const string Ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    private const string ChunkedHead = "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    private const string ChunkedBody = "5\r\nhello\r\n0\r\n\r\n";

    /// <summary>How long a condition may take: generous for a loaded machine, far below any proxy timeout.</summary>
    private const int BoundMs = 5000;

    [Theory]
    [InlineData("5\r\nhello\r\n|0\r\n\r\n")]
    [InlineData("5|\r\nhello\r\n0|\r\n\r\n")]
    [InlineData("5\r|\nhel|lo\r|\n0\r|\n\r|\n")]
    [InlineData("5\r\nhello|\r\n|0\r\n|\r\n")]
    public async Task ChunkedBody_SplitAcrossPausedWrites_ForwardedExactlyAndKeepAliveGoesOn(string split)
    {
        // The body in pieces, '|' marking where one write ends and the next begins.
        string[] pieces = split.Split('|');
        await using RawBackend backend = RawBackend.AnsweringAfterBody(Ok);
        await using ProxyHost proxy = await ProxyHost.StartAsync([backend.Address]);
        await using RawHttp raw = await RawHttp.ConnectAsync(proxy.EndPoint);

        await raw.SendAsync(ChunkedHead);
        foreach (string piece in pieces)
        {
            // A pause between writes (not a synchronisation): each piece reaches the proxy on its own.
            await Task.Delay(100);
            await raw.SendAsync(piece);
        }

        RawResponse first = await raw.ReadResponseAsync();
        await raw.SendAsync("GET /second HTTP/1.1\r\nHost: x\r\n\r\n");
        RawResponse second = await raw.ReadResponseAsync();

        Assert.Equal(200, first.Status);
        Assert.Equal("ok", first.BodyText);
        Assert.Equal(200, second.Status);
        Assert.Equal("ok", second.BodyText);
        string received = backend.Received(0);
        int bodyStart = received.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
        int requestEnd = RawBackend.RequestEnd(received);
        Assert.Equal(ChunkedBody, received[bodyStart..requestEnd]);

        // The second request goes out on the same upstream connection, or on a new one when the backend's
        // answer overtook the end of the proxy's body copy (that upstream is then closed, never pooled).
        string next = backend.Accepted == 1 ? received[requestEnd..] : backend.Received(1);
        Assert.StartsWith("GET /second HTTP/1.1\r\n", next, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChunkedBodies_PipelinedOnOneConnection_EveryOneAnswered()
    {
        // Each body's last bytes and the next request share a write: when the backend answers before the
        // proxy's body copy has formally ended, the next head is already waiting behind a stale read
        // cancel, and it must still be parsed (skipping it hung the connection until its idle timeout).
        const int Requests = 20;
        await using RawBackend backend = RawBackend.AnsweringAfterBody(Ok);
        await using ProxyHost proxy = await ProxyHost.StartAsync([backend.Address]);
        await using RawHttp raw = await RawHttp.ConnectAsync(proxy.EndPoint);

        await raw.SendAsync(string.Concat(Enumerable.Repeat(ChunkedHead + ChunkedBody, Requests)));
        for (int i = 0; i < Requests; i++)
        {
            RawResponse response = await raw.ReadResponseAsync(timeoutMs: BoundMs);
            Assert.Equal(200, response.Status);
            Assert.Equal("ok", response.BodyText);
        }
    }

    [Theory]
    [InlineData("Content-Length: 5\r\nContent-Length: 5")]
    [InlineData("Content-Length: 5, 5")]
    [InlineData("Content-Length: 5,5\r\nContent-Length: 5")]
    public async Task ContentLength_RepeatedSameValue_Answered400AndNeverForwarded(string fields)
    {
        await using RawBackend backend = RawBackend.AnsweringAfterBody(Ok);
        await using ProxyHost proxy = await ProxyHost.StartAsync([backend.Address]);
        await using RawHttp raw = await RawHttp.ConnectAsync(proxy.EndPoint);

        await raw.SendAsync($"POST / HTTP/1.1\r\nHost: x\r\n{fields}\r\n\r\nhello");
        RawResponse response = await raw.ReadResponseAsync();

        Assert.Equal(400, response.Status);
        Assert.True(await raw.IsClosedByPeerAsync(BoundMs));
        Assert.Equal(0, backend.Accepted);
    }

    [Theory]
    [InlineData("zz\r\n")]
    [InlineData("5 x\r\n")]
    [InlineData("FFFFFFFFFFFFFFFF\r\n")]
    [InlineData("10000000000000000\r\n")]
    [InlineData("8000000000000000\r\n")]
    public async Task ChunkSize_InvalidAfterHeadForwarded_Answered400AndUpstreamClosedAtOnce(string sizeLine)
    {
        await using RawBackend backend = RawBackend.AnsweringAfterBody(Ok);
        await using ProxyHost proxy = await ProxyHost.StartAsync([backend.Address]);
        await using RawHttp raw = await RawHttp.ConnectAsync(proxy.EndPoint);

        await raw.SendAsync(ChunkedHead);
        await AdminWait(() => backend.Received(0).Contains("\r\n\r\n", StringComparison.Ordinal));
        await raw.SendAsync(sizeLine + "hello\r\n0\r\n\r\n");
        RawResponse response = await raw.ReadResponseAsync(timeoutMs: BoundMs);

        Assert.Equal(400, response.Status);
        Assert.True(await raw.IsClosedByPeerAsync(BoundMs));
        await AdminWait(() => backend.Closed == 1);
        Assert.Equal(0, proxy.Server.Pools[0].Backends[0].Upstream.IdleCount);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n2\r\nok\r\n0\r\n\r\n")]
    public async Task Response_ContentLengthAndTransferEncoding_Answered502AndUpstreamClosed(string answer)
    {
        await using RawBackend backend = RawBackend.AnsweringAfterBody(answer);
        await using ProxyHost proxy = await ProxyHost.StartAsync([backend.Address]);
        await using RawHttp raw = await RawHttp.ConnectAsync(proxy.EndPoint);

        await raw.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        RawResponse response = await raw.ReadResponseAsync(timeoutMs: BoundMs);

        Assert.Equal(502, response.Status);
        await AdminWait(() => backend.Closed == 1);
        Assert.Equal(0, proxy.Server.Pools[0].Backends[0].Upstream.IdleCount);
    }

    [Fact]
    public async Task Response_ContentLengthAndTransferEncodingToPost_Answered502AndUpstreamClosed()
    {
        await using RawBackend backend = RawBackend.AnsweringAfterBody(
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n");
        await using ProxyHost proxy = await ProxyHost.StartAsync([backend.Address]);
        await using RawHttp raw = await RawHttp.ConnectAsync(proxy.EndPoint);

        await raw.SendAsync(ChunkedHead + ChunkedBody);
        RawResponse response = await raw.ReadResponseAsync(timeoutMs: BoundMs);

        Assert.Equal(502, response.Status);
        await AdminWait(() => backend.Closed == 1);
    }

    [Fact]
    public async Task ChunkedBody_AnsweredBeforeItEnds_UpstreamClosedNotPooledAndClientClosed()
    {
        // The backend answers as soon as the head is in; the body's end never comes.
        await using RawBackend backend = RawBackend.Answering(Ok, closeAfter: false);
        await using ProxyHost proxy = await ProxyHost.StartAsync([backend.Address]);
        await using RawHttp raw = await RawHttp.ConnectAsync(proxy.EndPoint);

        await raw.SendAsync(ChunkedHead + "5\r\nhello\r\n");
        RawResponse response = await raw.ReadResponseAsync(timeoutMs: BoundMs);

        Assert.Equal(200, response.Status);
        Assert.True(await raw.IsClosedByPeerAsync(BoundMs));
        await AdminWait(() => backend.Closed == 1);
        Assert.Equal(0, proxy.Server.Pools[0].Backends[0].Upstream.IdleCount);
    }

    private static Task AdminWait(Func<bool> condition) => Admin.AdminEndpointTests.WaitUntilAsync(condition, BoundMs);
}

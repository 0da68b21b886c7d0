using FastLb.Proxy.Http;

namespace FastLb.Proxy.Tests.Http;

public class HttpHeadParserResponseTests
{
    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n", false, nameof(BodyFraming.ContentLength), 12L, true)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", false, nameof(BodyFraming.Chunked), -1L, true)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", false, nameof(BodyFraming.Chunked), -1L, true)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", false, nameof(BodyFraming.CloseDelimited), -1L, false)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", false, nameof(BodyFraming.CloseDelimited), -1L, false)]
    [InlineData("HTTP/1.1 200 OK\r\nServer: x\r\n\r\n", false, nameof(BodyFraming.CloseDelimited), -1L, false)]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n", true, nameof(BodyFraming.None), 12L, true)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", true, nameof(BodyFraming.None), -1L, true)]
    [InlineData("HTTP/1.1 204 No Content\r\nContent-Length: 12\r\n\r\n", false, nameof(BodyFraming.None), 12L, true)]
    [InlineData("HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n", false, nameof(BodyFraming.None), -1L, true)]
    [InlineData("HTTP/1.1 100 Continue\r\n\r\n", false, nameof(BodyFraming.None), -1L, true)]
    [InlineData("HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n", false, nameof(BodyFraming.None), -1L, true)]
    [InlineData("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", false, nameof(BodyFraming.ContentLength), 0L, true)]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\n\r\n", false, nameof(BodyFraming.ContentLength), 3L, true)]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\n", false, nameof(BodyFraming.ContentLength), 3L, false)]
    [InlineData("HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\n", false, nameof(BodyFraming.ContentLength), 3L, false)]
    [InlineData("HTTP/1.0 200 OK\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\n", false, nameof(BodyFraming.ContentLength), 3L, true)]
    [InlineData("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n", false, nameof(BodyFraming.CloseDelimited), -1L, false)]
    public void TryParseResponse_StatusAndFramingFields_BodyFramingPerRfc9112(
        string text, bool requestWasHead, string framingName, long contentLength, bool keepAlive)
    {
        BodyFraming framing = Enum.Parse<BodyFraming>(framingName);
        var head = new HttpResponseHead(4096);

        ParseStatus status = HttpHeadParser.TryParseResponse(Sequences.Single(text + "body bytes"), requestWasHead, head, out RejectReason reason);

        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal(RejectReason.None, reason);
        Assert.Equal(framing, head.Framing);
        Assert.Equal(contentLength, head.ContentLength);
        Assert.Equal(keepAlive, head.KeepAlive);
        Assert.Equal(text.Length, head.Length);
        Assert.Equal(text, HeadDescriber.Text(head.Bytes.Span));
    }

    [Fact]
    public void TryParseResponse_OkResponse_StatusReasonAndHeaders()
    {
        const string Text = "HTTP/1.1 201 Created Just Now\r\nLocation: /orders/7\r\nContent-Length: 0\r\nX-Request-Id: abc\r\n\r\n";
        var head = new HttpResponseHead(4096);

        ParseStatus status = HttpHeadParser.TryParseResponse(Sequences.Single(Text), false, head, out _);

        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal(201, head.StatusCode);
        Assert.Equal("Created Just Now", HeadDescriber.Text(head.Reason));
        Assert.Equal(HttpVersion.Http11, head.Version);
        Assert.False(head.IsInterim);
        Assert.False(head.IsUpgrade);
        Assert.Equal(3, head.HeaderCount);
        Assert.Equal("/orders/7", HeadDescriber.Text(head.ValueOf(0)));
        Assert.Equal(KnownHeader.XRequestId, head.Headers[2].Known);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 \r\n\r\n")]
    [InlineData("HTTP/1.1 200\r\n\r\n")]
    public void TryParseResponse_EmptyReason_Accepted(string text)
    {
        var head = new HttpResponseHead(4096);

        ParseStatus status = HttpHeadParser.TryParseResponse(Sequences.Single(text), false, head, out _);

        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal(200, head.StatusCode);
        Assert.Equal(0, head.ReasonLength);
    }

    [Fact]
    public void TryParseResponse_ContinueThenFinal_CallerLoopsOverInterimHeads()
    {
        const string Interim = "HTTP/1.1 100 Continue\r\n\r\n";
        const string Final = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n";
        var buffer = Sequences.Single(Interim + Final + "ok");
        var head = new HttpResponseHead(4096);

        Assert.Equal(ParseStatus.Complete, HttpHeadParser.TryParseResponse(buffer, false, head, out _));
        Assert.True(head.IsInterim);
        Assert.Equal(100, head.StatusCode);
        Assert.Equal(BodyFraming.None, head.Framing);
        Assert.Equal(Interim.Length, head.Length);

        Assert.Equal(ParseStatus.Complete, HttpHeadParser.TryParseResponse(buffer.Slice(head.Length), false, head, out _));
        Assert.False(head.IsInterim);
        Assert.Equal(200, head.StatusCode);
        Assert.Equal(BodyFraming.ContentLength, head.Framing);
        Assert.Equal(2, head.ContentLength);
    }

    [Fact]
    public void TryParseResponse_SwitchingProtocols_IsUpgradeWithoutBody()
    {
        var head = new HttpResponseHead(4096);

        ParseStatus status = HttpHeadParser.TryParseResponse(
            Sequences.Single("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"), false, head, out _);

        Assert.Equal(ParseStatus.Complete, status);
        Assert.True(head.IsUpgrade);
        Assert.True(head.IsInterim);
        Assert.Equal(BodyFraming.None, head.Framing);
        Assert.True(head.Headers[0].IsConnectionListed);
    }

    [Fact]
    public void TryParseResponse_ConnectionListsField_MarksIt()
    {
        var head = new HttpResponseHead(4096);

        HttpHeadParser.TryParseResponse(
            Sequences.Single("HTTP/1.1 200 OK\r\nConnection: X-Internal\r\nX-Internal: 1\r\nContent-Length: 0\r\n\r\n"), false, head, out _);

        Assert.True(head.HasConnectionListed);
        Assert.False(head.Headers[0].IsConnectionListed);
        Assert.True(head.Headers[1].IsConnectionListed);
        Assert.False(head.Headers[2].IsConnectionListed);
    }

    [Fact]
    public void TryParseResponse_HostHeadersInResponse_NotChecked()
    {
        var head = new HttpResponseHead(4096);

        ParseStatus status = HttpHeadParser.TryParseResponse(
            Sequences.Single("HTTP/1.1 200 OK\r\nHost: a\r\nHost: not a host\r\nContent-Length: 0\r\n\r\n"), false, head, out _);

        Assert.Equal(ParseStatus.Complete, status);
    }
}

using System.Buffers;
using FastLb.Proxy.Http;

namespace FastLb.Proxy.Tests.Http;

public class HttpHeadParserSegmentationTests
{
    /// <summary>Valid request heads, each followed by a few body bytes that must not count as head.</summary>
    public static TheoryData<string> ValidRequests => new()
    {
        "GET /shop/cart?item=42 HTTP/1.1\r\nHost: shop.example\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\n" +
        "Accept: text/html,application/xhtml+xml\r\nAccept-Language: en-US,en;q=0.5\r\nAccept-Encoding: gzip, br\r\n" +
        "Referer: https://shop.example/\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\nCookie: a=b; c=d\r\n" +
        "X-Request-Id: r-1\r\nX-Forwarded-For: 10.1.1.1\r\nX-Empty:\r\n\r\n",
        "POST /api/orders HTTP/1.1\r\nHost: api.example\r\nContent-Type: application/json\r\nContent-Length: 13\r\n" +
        "Expect: 100-continue\r\n\r\n{\"qty\": 1234}",
        "POST /upload HTTP/1.1\r\nHost: api.example\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        "GET http://backend.example:9000/a?b=c HTTP/1.1\r\nHost: other.example\r\nConnection: close\r\n\r\n",
        "GET /legacy HTTP/1.0\r\nUser-Agent: old\r\nConnection: keep-alive\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\n\r\n",
    };

    /// <summary>Valid response heads.</summary>
    public static TheoryData<string> ValidResponses => new()
    {
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nX-Request-Id: r-1\r\n\r\n{}",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n0\r\n\r\n",
        "HTTP/1.1 100 Continue\r\n\r\n",
        "HTTP/1.0 404 Not Found\r\nServer: x\r\n\r\nbody",
        "HTTP/1.1 204\r\n\r\n",
    };

    [Theory]
    [MemberData(nameof(ValidRequests))]
    public void TryParseRequest_EveryPrefixOfHead_NeedMoreData(string text)
    {
        var head = new HttpRequestHead(4096);
        byte[] data = Sequences.Bytes(text);
        int headLength = CompleteLength(data);
        for (int n = 0; n < headLength; n++)
        {
            ParseStatus status = HttpHeadParser.TryParseRequest(new ReadOnlySequence<byte>(data, 0, n), head, out RejectReason reason);

            Assert.True(status == ParseStatus.NeedMoreData && reason == RejectReason.None, $"prefix {n}: {status} {reason}");
        }
    }

    [Theory]
    [MemberData(nameof(ValidRequests))]
    public void TryParseRequest_SplitInTwoAtEveryPoint_SameAsSingleSegment(string text)
    {
        byte[] data = Sequences.Bytes(text);
        var head = new HttpRequestHead(4096);
        string expected = HeadDescriber.Describe(HttpHeadParser.TryParseRequest(new ReadOnlySequence<byte>(data), head, out RejectReason r), r, head);
        Assert.StartsWith("Complete None", expected, StringComparison.Ordinal);

        for (int cut = 0; cut <= data.Length; cut++)
        {
            ParseStatus status = HttpHeadParser.TryParseRequest(Sequences.Split(data, cut), head, out r);

            Assert.Equal(expected, HeadDescriber.Describe(status, r, head));
        }
    }

    [Theory]
    [MemberData(nameof(ValidRequests))]
    public void TryParseRequest_SplitInThreeAndRandomly_SameAsSingleSegment(string text)
    {
        byte[] data = Sequences.Bytes(text);
        var head = new HttpRequestHead(4096);
        string expected = HeadDescriber.Describe(HttpHeadParser.TryParseRequest(new ReadOnlySequence<byte>(data), head, out RejectReason r), r, head);

        for (int a = 0; a <= data.Length; a += 7)
        {
            for (int b = a; b <= data.Length; b += 11)
            {
                ParseStatus status = HttpHeadParser.TryParseRequest(Sequences.Split(data, a, b), head, out r);
                Assert.Equal(expected, HeadDescriber.Describe(status, r, head));
            }
        }

        var random = new Random(20261122);
        for (int i = 0; i < 200; i++)
        {
            ParseStatus status = HttpHeadParser.TryParseRequest(Sequences.RandomSplit(data, random, 9), head, out r);
            Assert.Equal(expected, HeadDescriber.Describe(status, r, head));
        }
    }

    [Theory]
    [MemberData(nameof(ValidResponses))]
    public void TryParseResponse_EveryPrefixAndSplit_NeedMoreDataOrSameParse(string text)
    {
        byte[] data = Sequences.Bytes(text);
        var head = new HttpResponseHead(4096);
        string expected = HeadDescriber.Describe(HttpHeadParser.TryParseResponse(new ReadOnlySequence<byte>(data), false, head, out RejectReason r), r, head);
        Assert.StartsWith("Complete None", expected, StringComparison.Ordinal);
        int headLength = CompleteLength(data);

        for (int n = 0; n < headLength; n++)
        {
            ParseStatus status = HttpHeadParser.TryParseResponse(new ReadOnlySequence<byte>(data, 0, n), false, head, out r);
            Assert.True(status == ParseStatus.NeedMoreData && r == RejectReason.None, $"prefix {n}: {status} {r}");
        }

        for (int cut = 0; cut <= data.Length; cut++)
        {
            ParseStatus status = HttpHeadParser.TryParseResponse(Sequences.Split(data, cut), false, head, out r);
            Assert.Equal(expected, HeadDescriber.Describe(status, r, head));

            int second = Math.Min(data.Length, cut + 5);
            status = HttpHeadParser.TryParseResponse(Sequences.Split(data, cut, second), false, head, out r);
            Assert.Equal(expected, HeadDescriber.Describe(status, r, head));
        }
    }

    [Fact]
    public void TryParseRequest_HeadInFirstSegmentBodyInNext_BytesSliceFirstSegment()
    {
        const string Head = "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\n";
        ReadOnlySequence<byte> buffer = Sequences.Split(Sequences.Bytes(Head + "body"), Head.Length);
        var head = new HttpRequestHead(4096);

        Assert.Equal(ParseStatus.Complete, HttpHeadParser.TryParseRequest(buffer, head, out _));

        Assert.True(buffer.First.Span.Overlaps(head.Bytes.Span));
        Assert.Equal(Head, HeadDescriber.Text(head.Bytes.Span));
    }

    [Fact]
    public void TryParseRequest_HeadAcrossSegments_BytesIsOwnedCopy()
    {
        const string Head = "GET /x HTTP/1.1\r\nHost: a\r\n\r\n";
        ReadOnlySequence<byte> buffer = Sequences.Split(Sequences.Bytes(Head), 10);
        var head = new HttpRequestHead(4096);

        Assert.Equal(ParseStatus.Complete, HttpHeadParser.TryParseRequest(buffer, head, out _));

        Assert.False(buffer.First.Span.Overlaps(head.Bytes.Span));
        Assert.Equal(Head, HeadDescriber.Text(head.Bytes.Span));
        Assert.Equal("a", HeadDescriber.Text(head.Host));
    }

    [Fact]
    public void TryParseRequest_SplitHeadFollowedByBodyLongerThanLimit_Complete()
    {
        const string Head = "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 10000\r\n\r\n";
        byte[] data = Sequences.Bytes(Head + new string('b', 10000));
        var head = new HttpRequestHead(256);

        ParseStatus status = HttpHeadParser.TryParseRequest(Sequences.Split(data, 10, 5000), head, out _);

        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal(Head.Length, head.Length);
        Assert.Equal(10000, head.ContentLength);
    }

    [Fact]
    public void TryParseRequest_ChunkedRequestThenScanner_BodyEndsWherePipelinedRequestStarts()
    {
        const string Head = "POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
        const string Body = "4\r\nWiki\r\n5;x=y\r\npedia\r\n0\r\nX-Sum: 9\r\n\r\n";
        const string Next = "GET /next HTTP/1.1\r\nHost: a\r\n\r\n";
        ReadOnlySequence<byte> buffer = Sequences.Split(Sequences.Bytes(Head + Body + Next), 30, 70, 95);
        var head = new HttpRequestHead(4096);
        var scanner = default(ChunkedBodyScanner);

        Assert.Equal(ParseStatus.Complete, HttpHeadParser.TryParseRequest(buffer, head, out _));
        Assert.Equal(BodyFraming.Chunked, head.Framing);
        buffer = buffer.Slice(head.Length);
        Assert.Equal(ParseStatus.Complete, scanner.Scan(buffer, out long forwardable, out _));
        Assert.Equal(Body.Length, forwardable);
        Assert.Equal(9, scanner.BodyBytes);
        Assert.Equal(ParseStatus.Complete, HttpHeadParser.TryParseRequest(buffer.Slice(forwardable), head, out _));
        Assert.Equal("/next", HeadDescriber.Text(head.Path));
    }

    private static int CompleteLength(byte[] data) => data.AsSpan().IndexOf("\r\n\r\n"u8) + 4;
}

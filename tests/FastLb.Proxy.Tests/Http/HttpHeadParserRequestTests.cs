using System.Buffers;
using FastLb.Policy;
using FastLb.Proxy.Http;

namespace FastLb.Proxy.Tests.Http;

public class HttpHeadParserRequestTests
{
    private const string BrowserGet =
        "GET /shop/cart?item=42&ref=home HTTP/1.1\r\n" +
        "Host: shop.example:8080\r\n" +
        "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n" +
        "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n" +
        "Accept-Language: en-US,en;q=0.5\r\n" +
        "Accept-Encoding: gzip, deflate, br\r\n" +
        "Referer: https://shop.example/\r\n" +
        "Connection: keep-alive\r\n" +
        "Cookie: session=abc123; theme=dark\r\n" +
        "Upgrade-Insecure-Requests: 1\r\n" +
        "Sec-Fetch-Dest: document\r\n" +
        "X-Request-Id: 7f3c2a\r\n" +
        "X-Forwarded-For: 10.0.0.1\r\n" +
        "\r\n";

    [Fact]
    public void TryParseRequest_BrowserGet_ParsesEveryPart()
    {
        var head = new HttpRequestHead(16384);
        ParseStatus status = HttpHeadParser.TryParseRequest(Sequences.Single(BrowserGet), head, out RejectReason reason);

        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal(RejectReason.None, reason);
        Assert.Equal(RequestMethod.Get, head.Method);
        Assert.Equal("GET", HeadDescriber.Text(head.MethodBytes));
        Assert.Equal("/shop/cart?item=42&ref=home", HeadDescriber.Text(head.Target));
        Assert.Equal(TargetForm.Origin, head.Form);
        Assert.Equal(HttpVersion.Http11, head.Version);
        Assert.Equal(BrowserGet.Length, head.Length);
        Assert.Equal(BrowserGet, HeadDescriber.Text(head.Bytes.Span));
        Assert.Equal(12, head.HeaderCount);
        Assert.Equal("shop.example:8080", HeadDescriber.Text(head.Host));
        Assert.Equal("/shop/cart?item=42&ref=home", HeadDescriber.Text(head.Path));
        Assert.Equal(BodyFraming.None, head.Framing);
        Assert.Equal(-1, head.ContentLength);
        Assert.True(head.KeepAlive);
        Assert.False(head.ExpectContinue);
        Assert.False(head.IsUpgrade);
        Assert.Equal(10, head.RequestIdHeader);
        Assert.Equal("7f3c2a", HeadDescriber.Text(head.ValueOf(head.RequestIdHeader)));
        Assert.Equal(11, head.ForwardedForHeader);
        Assert.Equal(0, head.HostHeader);
        Assert.Equal("User-Agent", HeadDescriber.Text(head.NameOf(1)));
        Assert.Equal("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", HeadDescriber.Text(head.ValueOf(1)));
        Assert.Equal(KnownHeader.Host, head.Headers[0].Known);
        Assert.Equal(KnownHeader.Connection, head.Headers[6].Known);
        Assert.Equal(KnownHeader.Other, head.Headers[7].Known);
        Assert.Equal(KnownHeader.XRequestId, head.Headers[10].Known);
        Assert.Equal(KnownHeader.XForwardedFor, head.Headers[11].Known);
        Assert.Equal(6, head.IndexOf(KnownHeader.Connection));
        Assert.Equal(-1, head.IndexOf(KnownHeader.Upgrade));
    }

    [Fact]
    public void TryParseRequest_PostWithContentLength_FramesByLengthAndStopsAtBody()
    {
        const string Head = "POST /api/orders HTTP/1.1\r\nHost: api\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n";
        var head = new HttpRequestHead(4096);

        ParseStatus status = HttpHeadParser.TryParseRequest(Sequences.Single(Head + "{\"qty\": 1234}"), head, out _);

        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal(RequestMethod.Post, head.Method);
        Assert.Equal(BodyFraming.ContentLength, head.Framing);
        Assert.Equal(13, head.ContentLength);
        Assert.Equal(Head.Length, head.Length);
        Assert.Equal(Head, HeadDescriber.Text(head.Bytes.Span));
    }

    [Theory]
    [InlineData("Content-Length: 0", 0)]
    [InlineData("Content-Length: 007", 7)]
    [InlineData("Content-Length: 9223372036854775807", long.MaxValue)]
    public void TryParseRequest_ContentLengthForms_AcceptedAsOneValue(string field, long expected)
    {
        var head = new HttpRequestHead(4096);

        ParseStatus status = HttpHeadParser.TryParseRequest(Sequences.Single($"PUT /x HTTP/1.1\r\nHost: a\r\n{field}\r\n\r\n"), head, out _);

        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal(BodyFraming.ContentLength, head.Framing);
        Assert.Equal(expected, head.ContentLength);
    }

    [Theory]
    [InlineData("Transfer-Encoding: chunked")]
    [InlineData("Transfer-Encoding: CHUNKED")]
    [InlineData("Transfer-Encoding: gzip, chunked")]
    [InlineData("Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked")]
    [InlineData("Transfer-Encoding: ,chunked,")]
    public void TryParseRequest_ChunkedLast_FramesChunked(string field)
    {
        var head = new HttpRequestHead(4096);

        ParseStatus status = HttpHeadParser.TryParseRequest(Sequences.Single($"POST /x HTTP/1.1\r\nHost: a\r\n{field}\r\n\r\n"), head, out _);

        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal(BodyFraming.Chunked, head.Framing);
        Assert.Equal(-1, head.ContentLength);
    }

    [Theory]
    [InlineData("http://backend.example:9000/a/b?c=d", "backend.example:9000", "/a/b?c=d")]
    [InlineData("HTTPS://backend.example/", "backend.example", "/")]
    [InlineData("http://backend.example", "backend.example", "")]
    [InlineData("http://backend.example?q=1", "backend.example", "?q=1")]
    [InlineData("http://[::1]:8080/x", "[::1]:8080", "/x")]
    public void TryParseRequest_AbsoluteForm_AuthorityReplacesHost(string target, string host, string path)
    {
        var head = new HttpRequestHead(4096);

        ParseStatus status = HttpHeadParser.TryParseRequest(Sequences.Single($"GET {target} HTTP/1.1\r\nHost: ignored.example\r\n\r\n"), head, out _);

        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal(TargetForm.Absolute, head.Form);
        Assert.Equal(host, HeadDescriber.Text(head.Host));
        Assert.Equal(path, HeadDescriber.Text(head.Path));
        Assert.Equal(path.Length, head.PathLength);
        Assert.Equal(target, HeadDescriber.Text(head.Target));
        Assert.Equal(0, head.HostHeader);
    }

    [Fact]
    public void TryParseRequest_OptionsAsterisk_AsteriskForm()
    {
        var head = new HttpRequestHead(4096);

        ParseStatus status = HttpHeadParser.TryParseRequest(Sequences.Single("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n"), head, out _);

        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal(RequestMethod.Options, head.Method);
        Assert.Equal(TargetForm.Asterisk, head.Form);
        Assert.Equal(0, head.PathLength);
        Assert.Equal("*", HeadDescriber.Text(head.Target));
    }

    [Theory]
    [InlineData("GET", RequestMethod.Get)]
    [InlineData("HEAD", RequestMethod.Head)]
    [InlineData("POST", RequestMethod.Post)]
    [InlineData("PUT", RequestMethod.Put)]
    [InlineData("DELETE", RequestMethod.Delete)]
    [InlineData("PATCH", RequestMethod.Patch)]
    [InlineData("OPTIONS", RequestMethod.Options)]
    [InlineData("PURGE", RequestMethod.Other)]
    [InlineData("get", RequestMethod.Other)]
    [InlineData("M-SEARCH", RequestMethod.Other)]
    public void TryParseRequest_Method_ClassifiedCaseSensitively(string method, RequestMethod expected)
    {
        var head = new HttpRequestHead(4096);

        ParseStatus status = HttpHeadParser.TryParseRequest(Sequences.Single($"{method} / HTTP/1.1\r\nHost: a\r\n\r\n"), head, out _);

        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal(expected, head.Method);
        Assert.Equal(method, HeadDescriber.Text(head.MethodBytes));
    }

    [Theory]
    [InlineData("HTTP/1.1", "", true)]
    [InlineData("HTTP/1.1", "Connection: close\r\n", false)]
    [InlineData("HTTP/1.1", "Connection: Keep-Alive, CLOSE\r\n", false)]
    [InlineData("HTTP/1.1", "Connection: keep-alive\r\nConnection: close\r\n", false)]
    [InlineData("HTTP/1.1", "Connection: closed\r\n", true)]
    [InlineData("HTTP/1.0", "", false)]
    [InlineData("HTTP/1.0", "Connection: keep-alive\r\n", true)]
    [InlineData("HTTP/1.0", "Connection: Keep-Alive\r\n", true)]
    [InlineData("HTTP/1.0", "Connection: keep-alive, close\r\n", false)]
    public void TryParseRequest_ConnectionOptions_DecideKeepAlive(string version, string fields, bool keepAlive)
    {
        var head = new HttpRequestHead(4096);

        ParseStatus status = HttpHeadParser.TryParseRequest(Sequences.Single($"GET / {version}\r\nHost: a\r\n{fields}\r\n"), head, out _);

        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal(keepAlive, head.KeepAlive);
    }

    [Theory]
    [InlineData("Expect: 100-continue", true)]
    [InlineData("Expect: 100-Continue", true)]
    [InlineData("Expect:   100-continue  ", true)]
    [InlineData("Expect: 200-ok", false)]
    [InlineData("X-Expect: 100-continue", false)]
    public void TryParseRequest_Expect_SetsExpectContinue(string field, bool expected)
    {
        var head = new HttpRequestHead(4096);

        ParseStatus status = HttpHeadParser.TryParseRequest(
            Sequences.Single($"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n{field}\r\n\r\n"), head, out _);

        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal(expected, head.ExpectContinue);
    }

    [Fact]
    public void TryParseRequest_ExpectContinueInHttp10_Ignored()
    {
        var head = new HttpRequestHead(4096);

        ParseStatus status = HttpHeadParser.TryParseRequest(
            Sequences.Single("POST / HTTP/1.0\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n"), head, out _);

        Assert.Equal(ParseStatus.Complete, status);
        Assert.False(head.ExpectContinue);
    }

    [Theory]
    [InlineData("HTTP/1.1", "Upgrade: websocket\r\nConnection: Upgrade\r\n", true)]
    [InlineData("HTTP/1.1", "Connection: keep-alive, upgrade\r\nUpgrade: websocket\r\n", true)]
    [InlineData("HTTP/1.1", "Upgrade: websocket\r\n", false)]
    [InlineData("HTTP/1.1", "Connection: upgrade\r\n", false)]
    [InlineData("HTTP/1.0", "Upgrade: websocket\r\nConnection: Upgrade\r\n", false)]
    public void TryParseRequest_Upgrade_NeedsHeaderAndConnectionToken(string version, string fields, bool expected)
    {
        var head = new HttpRequestHead(4096);

        ParseStatus status = HttpHeadParser.TryParseRequest(Sequences.Single($"GET /ws {version}\r\nHost: a\r\n{fields}\r\n"), head, out _);

        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal(expected, head.IsUpgrade);
    }

    [Fact]
    public void TryParseRequest_ConnectionListsFields_MarksThemHopByHop()
    {
        const string Text =
            "GET / HTTP/1.1\r\nX-Secret: 1\r\nHost: a\r\nConnection: close, x-secret,, Keep-Alive\r\n" +
            "Keep-Alive: timeout=5\r\nX-Other: 2\r\nConnection: X-Late\r\nx-late: 3\r\n\r\n";
        var head = new HttpRequestHead(4096);

        ParseStatus status = HttpHeadParser.TryParseRequest(Sequences.Single(Text), head, out _);

        Assert.Equal(ParseStatus.Complete, status);
        bool[] listed = new bool[head.HeaderCount];
        for (int i = 0; i < head.HeaderCount; i++)
        {
            listed[i] = head.Headers[i].IsConnectionListed;
        }

        Assert.Equal(new[] { true, false, false, true, false, false, true }, listed);
        Assert.True(head.HasConnectionListed);
        Assert.Equal(KnownHeader.KeepAlive, head.Headers[3].Known);
        Assert.False(head.KeepAlive);
    }

    [Fact]
    public void TryParseRequest_NoConnectionHeader_NothingListed()
    {
        var head = new HttpRequestHead(4096);

        HttpHeadParser.TryParseRequest(Sequences.Single("GET / HTTP/1.1\r\nHost: a\r\nKeep-Alive: 5\r\n\r\n"), head, out _);

        Assert.False(head.HasConnectionListed);
        Assert.False(head.Headers[1].IsConnectionListed);
    }

    [Fact]
    public void TryParseRequest_ValuesWithOws_TrimmedButInnerSpaceKept()
    {
        var head = new HttpRequestHead(4096);

        ParseStatus status = HttpHeadParser.TryParseRequest(
            Sequences.Single("GET / HTTP/1.1\r\nHost:a\r\nX-A: \t a  b \t \r\nX-Empty:\r\nX-Spaces:   \r\nX-Latin: caf\u00E9\r\n\r\n"), head, out _);

        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal("a", HeadDescriber.Text(head.ValueOf(0)));
        Assert.Equal("a  b", HeadDescriber.Text(head.ValueOf(1)));
        Assert.Equal(string.Empty, HeadDescriber.Text(head.ValueOf(2)));
        Assert.Equal(string.Empty, HeadDescriber.Text(head.ValueOf(3)));
        Assert.Equal("caf\u00E9", HeadDescriber.Text(head.ValueOf(4)));
    }

    [Fact]
    public void TryParseRequest_Http10WithoutHost_AcceptedWithEmptyHost()
    {
        var head = new HttpRequestHead(4096);

        ParseStatus status = HttpHeadParser.TryParseRequest(Sequences.Single("GET /old HTTP/1.0\r\nUser-Agent: x\r\n\r\n"), head, out _);

        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal(HttpVersion.Http10, head.Version);
        Assert.Equal(0, head.HostLength);
        Assert.Equal(-1, head.HostHeader);
        Assert.False(head.KeepAlive);
    }

    [Fact]
    public void TryParseRequest_MultipleForwardedFor_PointsAtLastLine()
    {
        var head = new HttpRequestHead(4096);

        HttpHeadParser.TryParseRequest(
            Sequences.Single("GET / HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: 1.1.1.1\r\nX-Request-Id: first\r\nx-forwarded-for: 2.2.2.2\r\nX-REQUEST-ID: second\r\n\r\n"),
            head,
            out _);

        Assert.Equal(3, head.ForwardedForHeader);
        Assert.Equal(2, head.RequestIdHeader);
        Assert.Equal("first", HeadDescriber.Text(head.ValueOf(head.RequestIdHeader)));
    }

    [Fact]
    public void TryParseRequest_HeadReused_ForgetsPreviousRequest()
    {
        var head = new HttpRequestHead(4096);
        HttpHeadParser.TryParseRequest(
            Sequences.Single("POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nX-Request-Id: r\r\nX-Forwarded-For: f\r\nExpect: 100-continue\r\nConnection: close, X-Request-Id\r\n\r\n"),
            head,
            out _);

        ParseStatus status = HttpHeadParser.TryParseRequest(Sequences.Single("GET /b HTTP/1.1\r\nHost: b\r\n\r\n"), head, out _);

        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal(1, head.HeaderCount);
        Assert.Equal(-1, head.RequestIdHeader);
        Assert.Equal(-1, head.ForwardedForHeader);
        Assert.Equal(-1, head.ContentLength);
        Assert.Equal(BodyFraming.None, head.Framing);
        Assert.False(head.ExpectContinue);
        Assert.True(head.KeepAlive);
        Assert.False(head.HasConnectionListed);
        Assert.False(head.Headers[0].IsConnectionListed);
        Assert.Equal("b", HeadDescriber.Text(head.Host));
    }

    [Fact]
    public void TryParseRequest_PipelinedRequests_ParsesEachFromItsOffset()
    {
        const string First = "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n";
        const string Second = "GET /2 HTTP/1.1\r\nHost: b\r\n\r\n";
        ReadOnlySequence<byte> buffer = Sequences.Single(First + Second);
        var head = new HttpRequestHead(4096);

        Assert.Equal(ParseStatus.Complete, HttpHeadParser.TryParseRequest(buffer, head, out _));
        Assert.Equal(First.Length, head.Length);
        Assert.Equal(ParseStatus.Complete, HttpHeadParser.TryParseRequest(buffer.Slice(head.Length), head, out _));
        Assert.Equal("/2", HeadDescriber.Text(head.Path));
        Assert.Equal(Second.Length, head.Length);
    }

    [Fact]
    public void TryParseRequest_HeadExactlyAtLimit_Complete()
    {
        string text = "GET / HTTP/1.1\r\nHost: a\r\nX: " + new string('v', 20) + "\r\n\r\n";
        var head = new HttpRequestHead(text.Length);

        ParseStatus status = HttpHeadParser.TryParseRequest(Sequences.Single(text + "BODY"), head, out _);

        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal(text.Length, head.Length);
    }

    [Fact]
    public void TryParseRequest_HeadOneByteOverLimit_HeaderTooLarge431()
    {
        string text = "GET / HTTP/1.1\r\nHost: a\r\nX: " + new string('v', 20) + "\r\n\r\n";
        var head = new HttpRequestHead(text.Length - 1);

        ParseStatus status = HttpHeadParser.TryParseRequest(Sequences.Single(text), head, out RejectReason reason);

        Assert.Equal(ParseStatus.Rejected, status);
        Assert.Equal(RejectReason.HeaderTooLarge, reason);
        Assert.Equal(431, RejectReasons.StatusCode(reason));
    }

    [Fact]
    public void TryParseRequest_IncompleteHeadReachingLimit_HeaderTooLargeWithoutWaiting()
    {
        var head = new HttpRequestHead(64);
        string text = "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + new string('v', 40);

        Assert.Equal(ParseStatus.NeedMoreData, HttpHeadParser.TryParseRequest(Sequences.Single(text[..63]), head, out _));
        ParseStatus status = HttpHeadParser.TryParseRequest(Sequences.Single(text[..64]), head, out RejectReason reason);

        Assert.Equal(ParseStatus.Rejected, status);
        Assert.Equal(RejectReason.HeaderTooLarge, reason);
    }

    [Fact]
    public void TryParseRequest_SplitHeadOverLimit_HeaderTooLarge()
    {
        var head = new HttpRequestHead(64);
        byte[] data = Sequences.Bytes("GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + new string('v', 100));

        ParseStatus status = HttpHeadParser.TryParseRequest(Sequences.Split(data, 10, 30, 70), head, out RejectReason reason);

        Assert.Equal(ParseStatus.Rejected, status);
        Assert.Equal(RejectReason.HeaderTooLarge, reason);
    }

    [Fact]
    public void TryParseRequest_MaxHeadersThenOneMore_CompleteThenTooManyHeaders431()
    {
        var head = new HttpRequestHead(4096, maxHeaders: 4);
        const string Four = "GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\n";

        Assert.Equal(ParseStatus.Complete, HttpHeadParser.TryParseRequest(Sequences.Single(Four + "\r\n"), head, out _));
        ParseStatus status = HttpHeadParser.TryParseRequest(Sequences.Single(Four + "D: 4\r\n\r\n"), head, out RejectReason reason);

        Assert.Equal(ParseStatus.Rejected, status);
        Assert.Equal(RejectReason.TooManyHeaders, reason);
        Assert.Equal(431, RejectReasons.StatusCode(reason));
    }

    [Theory]
    [InlineData("G@T / HTTP/1.1\r\n", nameof(RejectReason.InvalidMethod))]
    [InlineData("G@", nameof(RejectReason.InvalidMethod))]
    [InlineData("GET\t", nameof(RejectReason.InvalidMethod))]
    [InlineData(" GET", nameof(RejectReason.MalformedRequestLine))]
    [InlineData("GET  ", nameof(RejectReason.MalformedRequestLine))]
    [InlineData("GET /\u0001", nameof(RejectReason.InvalidTarget))]
    [InlineData("GET / HTTP/1.", nameof(RejectReason.None))]
    [InlineData("GET / HTTP/1.1\r\n", nameof(RejectReason.None))]
    [InlineData("GET / HTTX", nameof(RejectReason.MalformedRequestLine))]
    [InlineData("GET / HTTP/2", nameof(RejectReason.None))]
    [InlineData("GET / HTTP/2.0", nameof(RejectReason.UnsupportedVersion))]
    [InlineData("GET / HTTP/1.1 ", nameof(RejectReason.MalformedRequestLine))]
    [InlineData("CONNECT ", nameof(RejectReason.MethodNotSupported))]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nBad Name", nameof(RejectReason.WhitespaceBeforeColon))]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nX: \u0000", nameof(RejectReason.InvalidHeaderCharacter))]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n", nameof(RejectReason.InvalidContentLength))]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n", nameof(RejectReason.DuplicateHost))]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nX: 1\r", nameof(RejectReason.None))]
    public void TryParseRequest_Prefix_RejectsAsSoonAsTheBadByteArrives(string prefix, string expectedName)
    {
        RejectReason expected = Enum.Parse<RejectReason>(expectedName);
        var head = new HttpRequestHead(4096);

        ParseStatus status = HttpHeadParser.TryParseRequest(Sequences.Single(prefix), head, out RejectReason reason);

        Assert.Equal(expected == RejectReason.None ? ParseStatus.NeedMoreData : ParseStatus.Rejected, status);
        Assert.Equal(expected, reason);
    }

    [Fact]
    public void TryParseRequest_EmptyBuffer_NeedMoreData()
    {
        var head = new HttpRequestHead(4096);

        ParseStatus status = HttpHeadParser.TryParseRequest(ReadOnlySequence<byte>.Empty, head, out RejectReason reason);

        Assert.Equal(ParseStatus.NeedMoreData, status);
        Assert.Equal(RejectReason.None, reason);
    }

    [Fact]
    public void Constructor_TooSmallLimits_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HttpRequestHead(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HttpRequestHead(4096, 0));
    }

    [Fact]
    public void NameOf_IndexBeyondHeaderCount_Throws()
    {
        var head = new HttpRequestHead(4096);
        HttpHeadParser.TryParseRequest(Sequences.Single("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), head, out _);

        Assert.Throws<ArgumentOutOfRangeException>(() => head.NameOf(1).Length);
    }
}

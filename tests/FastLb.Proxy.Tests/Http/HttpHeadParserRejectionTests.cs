using FastLb.Proxy.Http;

namespace FastLb.Proxy.Tests.Http;

public class HttpHeadParserRejectionTests
{
    private const string L = "GET / HTTP/1.1\r\n";
    private const string H = "GET / HTTP/1.1\r\nHost: a\r\n";
    private const string R = "HTTP/1.1 200 OK\r\n";

    /// <summary>Request heads that must be refused, with the reason and the status code the client gets.</summary>
    public static TheoryData<string, string, int> BadRequests => new()
    {
        // Request line (RFC 9112 3).
        { "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", nameof(RejectReason.MalformedRequestLine), 400 },
        { "GET /  HTTP/1.1\r\nHost: a\r\n\r\n", nameof(RejectReason.MalformedRequestLine), 400 },
        { "GET / HTTP/1.1 \r\nHost: a\r\n\r\n", nameof(RejectReason.MalformedRequestLine), 400 },
        { "GET /\r\n\r\n", nameof(RejectReason.MalformedRequestLine), 400 },
        { "GET\r\n\r\n", nameof(RejectReason.MalformedRequestLine), 400 },
        { "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", nameof(RejectReason.MalformedRequestLine), 400 },
        { " GET / HTTP/1.1\r\nHost: a\r\n\r\n", nameof(RejectReason.MalformedRequestLine), 400 },
        { "GET / http/1.1\r\nHost: a\r\n\r\n", nameof(RejectReason.MalformedRequestLine), 400 },
        { "GET / HTTP/1.1x\r\nHost: a\r\n\r\n", nameof(RejectReason.MalformedRequestLine), 400 },
        { "GET / HTTP/11\r\nHost: a\r\n\r\n", nameof(RejectReason.MalformedRequestLine), 400 },
        { "GET / HTTP/1.10\r\nHost: a\r\n\r\n", nameof(RejectReason.MalformedRequestLine), 400 },
        { "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n", nameof(RejectReason.MalformedRequestLine), 400 },
        { "G@T / HTTP/1.1\r\nHost: a\r\n\r\n", nameof(RejectReason.InvalidMethod), 400 },
        { "GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n", nameof(RejectReason.InvalidMethod), 400 },
        { "G\u00C9T / HTTP/1.1\r\nHost: a\r\n\r\n", nameof(RejectReason.InvalidMethod), 400 },
        { "GET /a\u0001b HTTP/1.1\r\nHost: a\r\n\r\n", nameof(RejectReason.InvalidTarget), 400 },
        { "GET /a\tb HTTP/1.1\r\nHost: a\r\n\r\n", nameof(RejectReason.InvalidTarget), 400 },
        { "GET /a\u007Fb HTTP/1.1\r\nHost: a\r\n\r\n", nameof(RejectReason.InvalidTarget), 400 },
        { "GET /caf\u00E9 HTTP/1.1\r\nHost: a\r\n\r\n", nameof(RejectReason.InvalidTarget), 400 },
        { "GET /a#frag HTTP/1.1\r\nHost: a\r\n\r\n", nameof(RejectReason.InvalidTarget), 400 },
        { "GET * HTTP/1.1\r\nHost: a\r\n\r\n", nameof(RejectReason.InvalidTarget), 400 },
        { "GET shop/x HTTP/1.1\r\nHost: a\r\n\r\n", nameof(RejectReason.InvalidTarget), 400 },
        { "GET ftp://a/x HTTP/1.1\r\nHost: a\r\n\r\n", nameof(RejectReason.InvalidTarget), 400 },
        { "GET http:/a HTTP/1.1\r\nHost: a\r\n\r\n", nameof(RejectReason.InvalidTarget), 400 },
        { "GET / HTTP/2.0\r\nHost: a\r\n\r\n", nameof(RejectReason.UnsupportedVersion), 505 },
        { "GET / HTTP/1.2\r\nHost: a\r\n\r\n", nameof(RejectReason.UnsupportedVersion), 505 },
        { "GET / HTTP/0.9\r\nHost: a\r\n\r\n", nameof(RejectReason.UnsupportedVersion), 505 },
        { "CONNECT shop.example:443 HTTP/1.1\r\nHost: shop.example:443\r\n\r\n", nameof(RejectReason.MethodNotSupported), 501 },

        // Field lines (RFC 9112 5, RFC 9110 5.5).
        { H + "NoColon\r\n\r\n", nameof(RejectReason.MalformedHeader), 400 },
        { H + ": empty-name\r\n\r\n", nameof(RejectReason.MalformedHeader), 400 },
        { H + "X-A : 1\r\n\r\n", nameof(RejectReason.WhitespaceBeforeColon), 400 },
        { H + "X-A\t: 1\r\n\r\n", nameof(RejectReason.WhitespaceBeforeColon), 400 },
        { "GET / HTTP/1.1\r\nHost : a\r\n\r\n", nameof(RejectReason.WhitespaceBeforeColon), 400 },
        { H + "X-A: 1\r\n  folded\r\n\r\n", nameof(RejectReason.ObsFold), 400 },
        { H + "X-A: 1\r\n\tfolded\r\n\r\n", nameof(RejectReason.ObsFold), 400 },
        { L + " Host: a\r\n\r\n", nameof(RejectReason.ObsFold), 400 },
        { H + "X\u0000A: 1\r\n\r\n", nameof(RejectReason.InvalidHeaderCharacter), 400 },
        { H + "X-A: a\u0000b\r\n\r\n", nameof(RejectReason.InvalidHeaderCharacter), 400 },
        { H + "X-A: a\u0001b\r\n\r\n", nameof(RejectReason.InvalidHeaderCharacter), 400 },
        { H + "X-A: a\u001Fb\r\n\r\n", nameof(RejectReason.InvalidHeaderCharacter), 400 },
        { H + "X-A: a\u007Fb\r\n\r\n", nameof(RejectReason.InvalidHeaderCharacter), 400 },
        { H + "X@A: 1\r\n\r\n", nameof(RejectReason.InvalidHeaderCharacter), 400 },
        { H + "X(A): 1\r\n\r\n", nameof(RejectReason.InvalidHeaderCharacter), 400 },
        { H + "X\u00E9: 1\r\n\r\n", nameof(RejectReason.InvalidHeaderCharacter), 400 },
        { H + "X\u007F: 1\r\n\r\n", nameof(RejectReason.InvalidHeaderCharacter), 400 },
        { "GET / HTTP/1.1\rHost: a\r\n\r\n", nameof(RejectReason.BareCr), 400 },
        { H + "X-A: a\rb\r\n\r\n", nameof(RejectReason.BareCr), 400 },
        { H + "X\rA: 1\r\n\r\n", nameof(RejectReason.BareCr), 400 },
        { H + "\r\r\n", nameof(RejectReason.BareCr), 400 },
        { H + "\rX", nameof(RejectReason.BareCr), 400 },
        { "GET / HTTP/1.1\nHost: a\r\n\r\n", nameof(RejectReason.BareLf), 400 },
        { H + "X-A: 1\n\r\n", nameof(RejectReason.BareLf), 400 },
        { H + "X-A\n\r\n", nameof(RejectReason.BareLf), 400 },
        { H + "\n", nameof(RejectReason.BareLf), 400 },
        { "GET / HTTP/1.1\r\nHost: a\n\n", nameof(RejectReason.BareLf), 400 },

        // Connection options that would strip framing or routing fields (RFC 9110 7.6.1).
        { H + "Content-Length: 5\r\nConnection: close, Content-Length\r\n\r\n", nameof(RejectReason.ForbiddenConnectionOption), 400 },
        { H + "Connection: transfer-encoding\r\n\r\n", nameof(RejectReason.ForbiddenConnectionOption), 400 },
        { H + "Connection: keep-alive,HOST\r\n\r\n", nameof(RejectReason.ForbiddenConnectionOption), 400 },

        // Host (RFC 9112 3.2, RFC 9110 7.2).
        { L + "User-Agent: x\r\n\r\n", nameof(RejectReason.MissingHost), 400 },
        { "GET http://a/ HTTP/1.1\r\n\r\n", nameof(RejectReason.MissingHost), 400 },
        { H + "Host: a\r\n\r\n", nameof(RejectReason.DuplicateHost), 400 },
        { H + "host: b\r\n\r\n", nameof(RejectReason.DuplicateHost), 400 },
        { L + "Host:\r\n\r\n", nameof(RejectReason.InvalidHost), 400 },
        { L + "Host: a b\r\n\r\n", nameof(RejectReason.InvalidHost), 400 },
        { L + "Host: user@a\r\n\r\n", nameof(RejectReason.InvalidHost), 400 },
        { L + "Host: a/b\r\n\r\n", nameof(RejectReason.InvalidHost), 400 },
        { L + "Host: a:http\r\n\r\n", nameof(RejectReason.InvalidHost), 400 },
        { L + "Host: a:65536\r\n\r\n", nameof(RejectReason.InvalidHost), 400 },
        { L + "Host: a:1:2\r\n\r\n", nameof(RejectReason.InvalidHost), 400 },
        { L + "Host: :80\r\n\r\n", nameof(RejectReason.InvalidHost), 400 },
        { L + "Host: [zz::1]\r\n\r\n", nameof(RejectReason.InvalidHost), 400 },
        { L + "Host: [::1\r\n\r\n", nameof(RejectReason.InvalidHost), 400 },
        { L + "Host: a%zz\r\n\r\n", nameof(RejectReason.InvalidHost), 400 },
        { "GET http://user@a/ HTTP/1.1\r\nHost: a\r\n\r\n", nameof(RejectReason.InvalidHost), 400 },
        { "GET http:///x HTTP/1.1\r\nHost: a\r\n\r\n", nameof(RejectReason.InvalidHost), 400 },

        // Framing (RFC 9112 6.1, 6.3; RFC 9110 8.6).
        { "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", nameof(RejectReason.ContentLengthAndTransferEncoding), 400 },
        { "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", nameof(RejectReason.ContentLengthAndTransferEncoding), 400 },
        { "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", nameof(RejectReason.ConflictingContentLength), 400 },
        { "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 6\r\n\r\n", nameof(RejectReason.ConflictingContentLength), 400 },
        { "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", nameof(RejectReason.ConflictingContentLength), 400 },
        { "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\n", nameof(RejectReason.ConflictingContentLength), 400 },
        { "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0,0\r\n\r\n", nameof(RejectReason.ConflictingContentLength), 400 },
        { "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n", nameof(RejectReason.InvalidContentLength), 400 },
        { "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", nameof(RejectReason.InvalidContentLength), 400 },
        { "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\n", nameof(RejectReason.InvalidContentLength), 400 },
        { "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1.0\r\n\r\n", nameof(RejectReason.InvalidContentLength), 400 },
        { "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1 2\r\n\r\n", nameof(RejectReason.InvalidContentLength), 400 },
        { "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x10\r\n\r\n", nameof(RejectReason.InvalidContentLength), 400 },
        { "POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", nameof(RejectReason.InvalidContentLength), 400 },
        { "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5,\r\n\r\n", nameof(RejectReason.InvalidContentLength), 400 },
        { "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9223372036854775808\r\n\r\n", nameof(RejectReason.InvalidContentLength), 400 },
        { "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n", nameof(RejectReason.InvalidContentLength), 400 },
        { "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", nameof(RejectReason.TransferEncodingNotChunked), 400 },
        { "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", nameof(RejectReason.TransferEncodingNotChunked), 400 },
        { "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n", nameof(RejectReason.TransferEncodingNotChunked), 400 },
        { "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n", nameof(RejectReason.TransferEncodingNotChunked), 400 },
        { "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", nameof(RejectReason.InvalidTransferEncoding), 400 },
        { "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n\r\n", nameof(RejectReason.InvalidTransferEncoding), 400 },
        { "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ,\r\n\r\n", nameof(RejectReason.InvalidTransferEncoding), 400 },
        { "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked;x=1\r\n\r\n", nameof(RejectReason.InvalidTransferEncoding), 400 },
        { "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chu nked\r\n\r\n", nameof(RejectReason.InvalidTransferEncoding), 400 },
        { "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \"chunked\"\r\n\r\n", nameof(RejectReason.InvalidTransferEncoding), 400 },
        { "POST / HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", nameof(RejectReason.TransferEncodingInHttp10), 400 },
        { "POST / HTTP/1.0\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", nameof(RejectReason.TransferEncodingInHttp10), 400 },
    };

    /// <summary>Response heads that must be refused.</summary>
    public static TheoryData<string, string> BadResponses => new()
    {
        { "HTTP/1.1 20 OK\r\n\r\n", nameof(RejectReason.MalformedStatusLine) },
        { "HTTP/1.1 2000 OK\r\n\r\n", nameof(RejectReason.MalformedStatusLine) },
        { "HTTP/1.1  200 OK\r\n\r\n", nameof(RejectReason.MalformedStatusLine) },
        { "HTTP/1.1 2x0 OK\r\n\r\n", nameof(RejectReason.MalformedStatusLine) },
        { "HTTP/1.1 099 Low\r\n\r\n", nameof(RejectReason.MalformedStatusLine) },
        { "HTTP/1.1 600 High\r\n\r\n", nameof(RejectReason.MalformedStatusLine) },
        { "HTTP/2.0 200 OK\r\n\r\n", nameof(RejectReason.MalformedStatusLine) },
        { "HTTP/1.2 200 OK\r\n\r\n", nameof(RejectReason.MalformedStatusLine) },
        { "http/1.1 200 OK\r\n\r\n", nameof(RejectReason.MalformedStatusLine) },
        { "HTTP/1.1\t200 OK\r\n\r\n", nameof(RejectReason.MalformedStatusLine) },
        { "HTTP/1.1 200 O\u0001K\r\n\r\n", nameof(RejectReason.MalformedStatusLine) },
        { "ICY 200 OK\r\n\r\n", nameof(RejectReason.MalformedStatusLine) },
        { "HTTP/1.1 200 OK\rX", nameof(RejectReason.BareCr) },
        { "HTTP/1.1 200 OK\n\r\n", nameof(RejectReason.BareLf) },
        { "HTTP/1.1 200\n\r\n", nameof(RejectReason.BareLf) },
        { R + "NoColon\r\n\r\n", nameof(RejectReason.MalformedHeader) },
        { R + ": v\r\n\r\n", nameof(RejectReason.MalformedHeader) },
        { R + "Server : x\r\n\r\n", nameof(RejectReason.WhitespaceBeforeColon) },
        { R + "Server: x\r\n y\r\n\r\n", nameof(RejectReason.ObsFold) },
        { R + "Server: x\u0000\r\n\r\n", nameof(RejectReason.InvalidHeaderCharacter) },
        { R + "Ser\u0000ver: x\r\n\r\n", nameof(RejectReason.InvalidHeaderCharacter) },
        { R + "Server: a\rb\r\n\r\n", nameof(RejectReason.BareCr) },
        { R + "Server: x\n\r\n", nameof(RejectReason.BareLf) },
        { R + "\n", nameof(RejectReason.BareLf) },
        { R + "Content-Length: 5\r\nConnection: Content-Length\r\n\r\n", nameof(RejectReason.ForbiddenConnectionOption) },
        { R + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", nameof(RejectReason.ContentLengthAndTransferEncoding) },
        { R + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", nameof(RejectReason.ContentLengthAndTransferEncoding) },
        { R + "Content-Length: 5\r\nContent-Length: 7\r\n\r\n", nameof(RejectReason.ConflictingContentLength) },
        { R + "Content-Length: 5,7\r\n\r\n", nameof(RejectReason.ConflictingContentLength) },
        { R + "Content-Length: five\r\n\r\n", nameof(RejectReason.InvalidContentLength) },
        { R + "Transfer-Encoding: chunked, chunked\r\n\r\n", nameof(RejectReason.InvalidTransferEncoding) },
        { "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", nameof(RejectReason.TransferEncodingInHttp10) },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public void TryParseRequest_BadHead_RejectedWithReasonAndStatus(string text, string expectedName, int statusCode)
    {
        RejectReason expected = Enum.Parse<RejectReason>(expectedName);
        var head = new HttpRequestHead(4096);

        ParseStatus status = HttpHeadParser.TryParseRequest(Sequences.Single(text), head, out RejectReason reason);

        Assert.Equal(ParseStatus.Rejected, status);
        Assert.Equal(expected, reason);
        Assert.Equal(statusCode, RejectReasons.StatusCode(reason));
    }

    [Theory]
    [MemberData(nameof(BadRequests))]
    public void TryParseRequest_BadHeadPrefixes_NeedMoreDataOrSameRejection(string text, string expectedName, int statusCode)
    {
        RejectReason expected = Enum.Parse<RejectReason>(expectedName);
        _ = statusCode;
        var head = new HttpRequestHead(4096);
        byte[] data = Sequences.Bytes(text);
        for (int n = 0; n < data.Length; n++)
        {
            ParseStatus status = HttpHeadParser.TryParseRequest(Sequences.Split(data.AsSpan(0, n)), head, out RejectReason reason);

            Assert.True(
                status == ParseStatus.NeedMoreData ? reason == RejectReason.None : status == ParseStatus.Rejected && reason == expected,
                $"prefix {n}: {status} {reason}");
        }
    }

    [Theory]
    [MemberData(nameof(BadRequests))]
    public void TryParseRequest_BadHeadSplitAnywhere_SameRejection(string text, string expectedName, int statusCode)
    {
        RejectReason expected = Enum.Parse<RejectReason>(expectedName);
        _ = statusCode;
        var head = new HttpRequestHead(4096);
        byte[] data = Sequences.Bytes(text);
        for (int cut = 0; cut <= data.Length; cut++)
        {
            ParseStatus status = HttpHeadParser.TryParseRequest(Sequences.Split(data, cut), head, out RejectReason reason);

            Assert.Equal(ParseStatus.Rejected, status);
            Assert.Equal(expected, reason);
        }
    }

    [Theory]
    [MemberData(nameof(BadResponses))]
    public void TryParseResponse_BadHead_RejectedWithReason(string text, string expectedName)
    {
        RejectReason expected = Enum.Parse<RejectReason>(expectedName);
        var head = new HttpResponseHead(4096);

        ParseStatus status = HttpHeadParser.TryParseResponse(Sequences.Single(text), requestWasHead: false, head, out RejectReason reason);

        Assert.Equal(ParseStatus.Rejected, status);
        Assert.Equal(expected, reason);
        Assert.Equal(400, RejectReasons.StatusCode(reason));
    }

    [Theory]
    [MemberData(nameof(BadResponses))]
    public void TryParseResponse_BadHeadPrefixesAndSplits_NeedMoreDataOrSameRejection(string text, string expectedName)
    {
        RejectReason expected = Enum.Parse<RejectReason>(expectedName);
        var head = new HttpResponseHead(4096);
        byte[] data = Sequences.Bytes(text);
        for (int n = 0; n < data.Length; n++)
        {
            ParseStatus status = HttpHeadParser.TryParseResponse(Sequences.Split(data.AsSpan(0, n)), false, head, out RejectReason reason);
            Assert.True(
                status == ParseStatus.NeedMoreData ? reason == RejectReason.None : status == ParseStatus.Rejected && reason == expected,
                $"prefix {n}: {status} {reason}");

            status = HttpHeadParser.TryParseResponse(Sequences.Split(data, n), false, head, out reason);
            Assert.Equal(ParseStatus.Rejected, status);
            Assert.Equal(expected, reason);
        }
    }

    [Fact]
    public void TryParseResponse_TooManyHeaders_Rejected431()
    {
        var head = new HttpResponseHead(4096, maxHeaders: 2);

        ParseStatus status = HttpHeadParser.TryParseResponse(Sequences.Single(R + "A: 1\r\nB: 2\r\nC: 3\r\n\r\n"), false, head, out RejectReason reason);

        Assert.Equal(ParseStatus.Rejected, status);
        Assert.Equal(RejectReason.TooManyHeaders, reason);
        Assert.Equal(431, RejectReasons.StatusCode(reason));
    }

    [Fact]
    public void TryParseResponse_HeadOverLimit_HeaderTooLarge431()
    {
        var head = new HttpResponseHead(32);

        ParseStatus status = HttpHeadParser.TryParseResponse(Sequences.Single(R + "Server: " + new string('s', 30) + "\r\n\r\n"), false, head, out RejectReason reason);

        Assert.Equal(ParseStatus.Rejected, status);
        Assert.Equal(RejectReason.HeaderTooLarge, reason);
        Assert.Equal(431, RejectReasons.StatusCode(reason));
    }
}

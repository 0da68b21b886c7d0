using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using FastLb.Proxy.Http;

namespace FastLb.Benchmarks.Http;

/// <summary>
/// Guards the HTTP/1.1 hot path: <see cref="HttpHeadParser"/> and <see cref="ChunkedBodyScanner"/>, on heads captured
/// from a browser and an API client, in one segment and split across segments. The baseline only finds the end of
/// the head, the least any parser must do. Every benchmark checks its result and throws if the parse did not complete.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
public class HttpHeadParserBenchmarks
{
    // Firefox 128 navigating a shop page through the proxy (13 field lines, 627 bytes).
    private static readonly byte[] s_browserGet = Encoding.ASCII.GetBytes(
        "GET /shop/catalog/shoes?size=42&color=black&sort=price HTTP/1.1\r\n" +
        "Host: shop.example.com\r\n" +
        "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n" +
        "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8\r\n" +
        "Accept-Language: en-US,en;q=0.5\r\n" +
        "Accept-Encoding: gzip, deflate, br, zstd\r\n" +
        "Referer: https://shop.example.com/shop/catalog\r\n" +
        "Connection: keep-alive\r\n" +
        "Cookie: session=9f8e7d6c5b4a39281706f5e4d3c2b1a0; cart=3; theme=dark; consent=1\r\n" +
        "Upgrade-Insecure-Requests: 1\r\n" +
        "Sec-Fetch-Dest: document\r\n" +
        "Sec-Fetch-Mode: navigate\r\n" +
        "Sec-Fetch-Site: same-origin\r\n" +
        "Priority: u=0, i\r\n" +
        "\r\n");

    // A service client posting an order (7 field lines and a small JSON body).
    private static readonly byte[] s_apiPost = Encoding.ASCII.GetBytes(
        "POST /api/orders HTTP/1.1\r\n" +
        "Host: orders.internal:9103\r\n" +
        "Content-Type: application/json; charset=utf-8\r\n" +
        "Content-Length: 57\r\n" +
        "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJl\r\n" +
        "X-Request-Id: 0d9c8b7a-6f5e-4d3c-2b1a-099887766554\r\n" +
        "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n" +
        "Accept: application/json\r\n" +
        "\r\n" +
        "{\"customerId\":42,\"items\":[{\"sku\":\"SHOE-42\",\"qty\":1}]}    ");

    // Kestrel answering that order.
    private static readonly byte[] s_response = Encoding.ASCII.GetBytes(
        "HTTP/1.1 201 Created\r\n" +
        "Content-Length: 27\r\n" +
        "Content-Type: application/json; charset=utf-8\r\n" +
        "Date: Sun, 22 Nov 2026 01:30:00 GMT\r\n" +
        "Server: Kestrel\r\n" +
        "Location: /api/orders/1001\r\n" +
        "X-Request-Id: 0d9c8b7a-6f5e-4d3c-2b1a-099887766554\r\n" +
        "\r\n" +
        "{\"orderId\":1001,\"total\":99}");

    // A chunked response body: three chunks, one with an extension, and a trailer.
    private static readonly byte[] s_chunkedBody = Encoding.ASCII.GetBytes(
        "16\r\n{\"items\":[{\"sku\":\"A\"},\r\n" +
        "1f;ext=1\r\n{\"sku\":\"B\"},{\"sku\":\"C\"},{\"x\":1}\r\n" +
        "2\r\n]}\r\n" +
        "0\r\nServer-Timing: db;dur=4\r\n\r\n");

    private readonly HttpRequestHead _request = new(16384);
    private readonly HttpResponseHead _responseHead = new(16384);
    private ReadOnlySequence<byte> _browserSingle;
    private ReadOnlySequence<byte> _browserThree;
    private ReadOnlySequence<byte> _postSingle;
    private ReadOnlySequence<byte> _postTwo;
    private ReadOnlySequence<byte> _responseSingle;
    private ReadOnlySequence<byte> _chunkedThree;

    /// <summary>Builds the sequences once; the split points fall inside a field name, a value and the request line.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _browserSingle = new ReadOnlySequence<byte>(s_browserGet);
        _browserThree = BenchSegment.Split(s_browserGet, 40, 300);
        _postSingle = new ReadOnlySequence<byte>(s_apiPost);
        _postTwo = BenchSegment.Split(s_apiPost, 150);
        _responseSingle = new ReadOnlySequence<byte>(s_response);
        _chunkedThree = BenchSegment.Split(s_chunkedBody, 10, 45);
    }

    /// <summary>Baseline: only find the CRLFCRLF that ends the browser head.</summary>
    [Benchmark(Baseline = true)]
    public int FindHeadEnd_BrowserGet()
    {
        int end = _browserSingle.FirstSpan.IndexOf("\r\n\r\n"u8);
        return end < 0 ? throw new InvalidOperationException("no head end") : end + 4;
    }

    /// <summary>The common case: a browser head in one segment.</summary>
    [Benchmark]
    public int BrowserGet_SingleSegment() => Check(HttpHeadParser.TryParseRequest(_browserSingle, _request, out RejectReason r), r, _request, 13);

    /// <summary>The same head split across three segments (copied once into the head's scratch buffer).</summary>
    [Benchmark]
    public int BrowserGet_ThreeSegments() => Check(HttpHeadParser.TryParseRequest(_browserThree, _request, out RejectReason r), r, _request, 13);

    /// <summary>An API POST with Content-Length, head and body in one segment.</summary>
    [Benchmark]
    public int ApiPost_SingleSegment() => Check(HttpHeadParser.TryParseRequest(_postSingle, _request, out RejectReason r), r, _request, 7);

    /// <summary>The API POST split across two segments inside the head.</summary>
    [Benchmark]
    public int ApiPost_TwoSegments() => Check(HttpHeadParser.TryParseRequest(_postTwo, _request, out RejectReason r), r, _request, 7);

    /// <summary>A Kestrel 201 response head in one segment.</summary>
    [Benchmark]
    public int Response_SingleSegment()
    {
        ParseStatus status = HttpHeadParser.TryParseResponse(_responseSingle, requestWasHead: false, _responseHead, out RejectReason reason);
        if (status != ParseStatus.Complete || _responseHead.HeaderCount != 6 || _responseHead.Framing != BodyFraming.ContentLength)
        {
            throw new InvalidOperationException($"response: {status} {reason}");
        }

        return _responseHead.Length;
    }

    /// <summary>A chunked body with a trailer, split across three segments.</summary>
    [Benchmark]
    public long ChunkedBody_ThreeSegments()
    {
        var scanner = default(ChunkedBodyScanner);
        ParseStatus status = scanner.Scan(_chunkedThree, out long forwardable, out RejectReason reason);
        if (status != ParseStatus.Complete || forwardable != s_chunkedBody.Length)
        {
            throw new InvalidOperationException($"chunked: {status} {reason}");
        }

        return forwardable + scanner.BodyBytes;
    }

    private static int Check(ParseStatus status, RejectReason reason, HttpRequestHead head, int headers)
    {
        if (status != ParseStatus.Complete || head.HeaderCount != headers || head.HostLength == 0)
        {
            throw new InvalidOperationException($"request: {status} {reason} {head.HeaderCount}");
        }

        return head.Length + head.HeaderCount;
    }
}

using System.Buffers;
using FastLb.Proxy.Http;

namespace FastLb.Proxy.Tests.Http;

public class HttpHeadParserAllocationTests
{
    private const string Request =
        "POST /api/orders?x=1 HTTP/1.1\r\nHost: api.example\r\nContent-Type: application/json\r\nContent-Length: 13\r\n" +
        "Connection: keep-alive, X-Hop\r\nX-Hop: 1\r\nX-Request-Id: r\r\nX-Forwarded-For: 1.2.3.4\r\nExpect: 100-continue\r\n\r\n";

    private const string Response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\nServer: x\r\n\r\n";

    [Fact]
    public void TryParseRequest_SteadyStateSingleAndMultiSegment_AllocatesNothing()
    {
        var head = new HttpRequestHead(4096);
        ReadOnlySequence<byte> single = Sequences.Single(Request);
        ReadOnlySequence<byte> split = Sequences.Split(Sequences.Bytes(Request), 20, 90);
        ReadOnlySequence<byte> partial = Sequences.Single(Request[..60]);
        HttpHeadParser.TryParseRequest(single, head, out _);
        HttpHeadParser.TryParseRequest(split, head, out _);

        long before = GC.GetAllocatedBytesForCurrentThread();
        int complete = 0;
        for (int i = 0; i < 200; i++)
        {
            complete += HttpHeadParser.TryParseRequest(single, head, out _) == ParseStatus.Complete ? 1 : 0;
            complete += HttpHeadParser.TryParseRequest(split, head, out _) == ParseStatus.Complete ? 1 : 0;
            complete += HttpHeadParser.TryParseRequest(partial, head, out _) == ParseStatus.Complete ? 1 : 0;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(400, complete);
    }

    [Fact]
    public void TryParseResponseAndScan_SteadyState_AllocatesNothing()
    {
        var head = new HttpResponseHead(4096);
        ReadOnlySequence<byte> single = Sequences.Single(Response);
        ReadOnlySequence<byte> body = Sequences.Split(Sequences.Bytes("5;e=1\r\nhello\r\n3\r\nabc\r\n0\r\nX: 1\r\n\r\n"), 2, 9, 30);
        var scanner = default(ChunkedBodyScanner);
        HttpHeadParser.TryParseResponse(single, false, head, out _);
        scanner.Scan(body, out _, out _);

        long before = GC.GetAllocatedBytesForCurrentThread();
        long forwarded = 0;
        for (int i = 0; i < 200; i++)
        {
            HttpHeadParser.TryParseResponse(single, false, head, out _);
            scanner.Reset();
            scanner.Scan(body, out long f, out _);
            forwarded += f;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(200 * body.Length, forwarded);
    }
}

using System.Buffers;
using FastLb.Proxy.Http;

namespace FastLb.Proxy.Tests.Http;

public class HttpParsingFuzzTests
{
    private static readonly string[] s_requests =
    {
        "GET /shop?x=1 HTTP/1.1\r\nHost: shop.example\r\nAccept: */*\r\nConnection: keep-alive, X-A\r\nX-A: 1\r\n\r\n",
        "POST /api HTTP/1.1\r\nHost: a:80\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello",
        "PUT http://b.example/x HTTP/1.1\r\nHost: b\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "GET / HTTP/1.0\r\n\r\n",
    };

    private static readonly string[] s_responses =
    {
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
        "HTTP/1.0 200 OK\r\nServer: x\r\n\r\n",
    };

    private static readonly byte[] s_interesting = Sequences.Bytes("\r\n \t:;,=\"\0\u007F\u00E9aZ09/?#*@[]%-");

    [Fact]
    public void TryParseRequest_MutatedHeads_SplitAndPrefixesAgreeWithSingleSegment()
    {
        var random = new Random(424242);
        var head = new HttpRequestHead(512, maxHeaders: 8);
        var outcomes = new int[3];
        for (int round = 0; round < 1500; round++)
        {
            byte[] data = Mutate(Sequences.Bytes(s_requests[round % s_requests.Length]), random);
            ParseStatus status = HttpHeadParser.TryParseRequest(new ReadOnlySequence<byte>(data), head, out RejectReason reason);
            string expected = HeadDescriber.Describe(status, reason, head);
            int headLength = head.Length;
            outcomes[(int)status]++;

            ParseStatus splitStatus = HttpHeadParser.TryParseRequest(Sequences.RandomSplit(data, random, 12), head, out RejectReason splitReason);
            Assert.Equal(expected, HeadDescriber.Describe(splitStatus, splitReason, head));

            int cut = random.Next(0, data.Length + 1);
            ParseStatus prefixStatus = HttpHeadParser.TryParseRequest(new ReadOnlySequence<byte>(data, 0, cut), head, out RejectReason prefixReason);
            AssertPrefixConsistent(status, reason, headLength, cut, prefixStatus, prefixReason);
        }

        // The mutations must exercise both sides, or the agreement above proves little.
        Assert.InRange(outcomes[(int)ParseStatus.Complete], 100, 1400);
        Assert.InRange(outcomes[(int)ParseStatus.Rejected], 100, 1400);
    }

    [Fact]
    public void TryParseResponse_MutatedHeads_SplitAndPrefixesAgreeWithSingleSegment()
    {
        var random = new Random(171717);
        var head = new HttpResponseHead(512, maxHeaders: 8);
        var outcomes = new int[3];
        for (int round = 0; round < 1500; round++)
        {
            byte[] data = Mutate(Sequences.Bytes(s_responses[round % s_responses.Length]), random);
            bool wasHead = random.Next(4) == 0;
            ParseStatus status = HttpHeadParser.TryParseResponse(new ReadOnlySequence<byte>(data), wasHead, head, out RejectReason reason);
            string expected = HeadDescriber.Describe(status, reason, head);
            int headLength = head.Length;
            outcomes[(int)status]++;

            ParseStatus splitStatus = HttpHeadParser.TryParseResponse(Sequences.RandomSplit(data, random, 12), wasHead, head, out RejectReason splitReason);
            Assert.Equal(expected, HeadDescriber.Describe(splitStatus, splitReason, head));

            int cut = random.Next(0, data.Length + 1);
            ParseStatus prefixStatus = HttpHeadParser.TryParseResponse(new ReadOnlySequence<byte>(data, 0, cut), wasHead, head, out RejectReason prefixReason);
            AssertPrefixConsistent(status, reason, headLength, cut, prefixStatus, prefixReason);
        }

        // The mutations must exercise both sides, or the agreement above proves little.
        Assert.InRange(outcomes[(int)ParseStatus.Complete], 100, 1400);
        Assert.InRange(outcomes[(int)ParseStatus.Rejected], 100, 1400);
    }

    [Fact]
    public void Scan_MutatedBodies_WholeAndPiecewiseAgree()
    {
        var random = new Random(99);
        byte[] template = Sequences.Bytes("1a;ext=\"v\"\r\nabcdefghijklmnopqrstuvwxyz\r\n3\r\nxyz\r\n0\r\nX-T: 1\r\n\r\n");
        int completes = 0;
        for (int round = 0; round < 1500; round++)
        {
            byte[] data = Mutate(template, random);
            var whole = default(ChunkedBodyScanner);
            ParseStatus expected = whole.Scan(new ReadOnlySequence<byte>(data), out long expectedForwardable, out RejectReason expectedReason);

            var piecewise = default(ChunkedBodyScanner);
            var pending = new List<byte>();
            long forwarded = 0;
            ParseStatus status = ParseStatus.NeedMoreData;
            RejectReason reason = RejectReason.None;
            for (int offset = 0; offset < data.Length && status == ParseStatus.NeedMoreData;)
            {
                int n = Math.Min(data.Length - offset, random.Next(1, 6));
                pending.AddRange(data.AsSpan(offset, n).ToArray());
                offset += n;
                status = piecewise.Scan(Sequences.RandomSplit(pending.ToArray(), random, 5), out long f, out reason);
                forwarded += f;
                pending.RemoveRange(0, (int)f);
            }

            Assert.Equal(expected, status);
            Assert.Equal(expectedReason, reason);
            if (expected == ParseStatus.Complete)
            {
                completes++;
                Assert.Equal(expectedForwardable, forwarded);
                Assert.Equal(whole.BodyBytes, piecewise.BodyBytes);
            }
        }

        Assert.InRange(completes, 1, 1499);
    }

    /// <summary>A prefix of the input may only need more data or be refused for the same reason as the whole.</summary>
    private static void AssertPrefixConsistent(ParseStatus status, RejectReason reason, int headLength, int cut, ParseStatus prefixStatus, RejectReason prefixReason)
    {
        if (prefixStatus == ParseStatus.Rejected)
        {
            Assert.Equal(ParseStatus.Rejected, status);
            Assert.Equal(reason, prefixReason);
        }
        else if (prefixStatus == ParseStatus.Complete)
        {
            Assert.Equal(ParseStatus.Complete, status);
            Assert.True(cut >= headLength);
        }
        else
        {
            Assert.True(status != ParseStatus.Complete || cut < headLength, $"prefix {cut} of a complete head of {headLength} needs more");
        }
    }

    /// <summary>One to three random edits: replace, insert or delete a byte, favouring bytes that matter to HTTP.</summary>
    private static byte[] Mutate(byte[] source, Random random)
    {
        var bytes = new List<byte>(source);
        int edits = random.Next(1, 4);
        for (int i = 0; i < edits && bytes.Count > 0; i++)
        {
            int at = random.Next(bytes.Count);
            byte b = random.Next(3) == 0 ? (byte)random.Next(256) : s_interesting[random.Next(s_interesting.Length)];
            switch (random.Next(3))
            {
                case 0:
                    bytes[at] = b;
                    break;
                case 1:
                    bytes.Insert(at, b);
                    break;
                default:
                    bytes.RemoveAt(at);
                    break;
            }
        }

        return bytes.ToArray();
    }
}

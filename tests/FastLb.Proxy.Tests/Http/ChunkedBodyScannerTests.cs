using System.Buffers;
using FastLb.Proxy.Http;

namespace FastLb.Proxy.Tests.Http;

public class ChunkedBodyScannerTests
{
    /// <summary>Valid chunked bodies and their decoded data length.</summary>
    public static TheoryData<string, long> ValidBodies => new()
    {
        { "0\r\n\r\n", 0 },
        { "5\r\nhello\r\n0\r\n\r\n", 5 },
        { "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", 11 },
        { "A\r\n0123456789\r\na\r\nabcdefghij\r\n0\r\n\r\n", 20 },
        { "0005\r\nhello\r\n000\r\n\r\n", 5 },
        { "5;name=value\r\nhello\r\n0;last\r\n\r\n", 5 },
        { "5 ; a = b ; c\r\nhello\r\n0\r\n\r\n", 5 },
        { "5;q=\"quoted; \\\"value\\\"\"\r\nhello\r\n0\r\n\r\n", 5 },
        { "5;a=1;b=\"\"\r\nhello\r\n0\r\n\r\n", 5 },
        { "3\r\n\r\n\r\r\n0\r\n\r\n", 3 },
        { "0\r\nX-Checksum: abc123\r\n\r\n", 0 },
        { "4\r\ndata\r\n0\r\nX-A: 1\r\nx-b:\r\nX-C:  spaced value \r\n\r\n", 4 },
    };

    [Theory]
    [MemberData(nameof(ValidBodies))]
    public void Scan_WholeBodyAtOnce_CompleteAtItsEnd(string body, long dataBytes)
    {
        var scanner = default(ChunkedBodyScanner);
        byte[] data = Sequences.Bytes(body + "GET /next HTTP/1.1\r\n");

        ParseStatus status = scanner.Scan(new ReadOnlySequence<byte>(data), out long forwardable, out RejectReason reason);

        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal(RejectReason.None, reason);
        Assert.Equal(body.Length, forwardable);
        Assert.Equal(dataBytes, scanner.BodyBytes);
        Assert.True(scanner.IsComplete);
    }

    [Theory]
    [MemberData(nameof(ValidBodies))]
    public void Scan_ByteByByte_CompletesExactlyAtLastByte(string body, long dataBytes)
    {
        long forwarded = Feed(Sequences.Bytes(body), Enumerable.Repeat(1, body.Length).ToArray(), null, out ParseStatus last, out var scanner, out int completedAtPiece);

        Assert.Equal(ParseStatus.Complete, last);
        Assert.Equal(body.Length, forwarded);
        Assert.Equal(body.Length - 1, completedAtPiece);
        Assert.Equal(dataBytes, scanner.BodyBytes);
    }

    [Theory]
    [MemberData(nameof(ValidBodies))]
    public void Scan_RandomSplitsAndSegments_CompletesExactlyAtLastByte(string body, long dataBytes)
    {
        byte[] data = Sequences.Bytes(body);
        var random = new Random(body.Length * 7919);
        for (int round = 0; round < 50; round++)
        {
            var pieces = new List<int>();
            for (int left = data.Length; left > 0;)
            {
                int n = Math.Min(left, random.Next(1, 9));
                pieces.Add(n);
                left -= n;
            }

            long forwarded = Feed(data, pieces.ToArray(), random, out ParseStatus last, out var scanner, out int completedAtPiece);

            Assert.Equal(ParseStatus.Complete, last);
            Assert.Equal(data.Length, forwarded);
            Assert.Equal(pieces.Count - 1, completedAtPiece);
            Assert.Equal(dataBytes, scanner.BodyBytes);
        }
    }

    [Fact]
    public void Scan_LargeChunkInPieces_PartialDataForwardable()
    {
        var scanner = default(ChunkedBodyScanner);

        Assert.Equal(ParseStatus.NeedMoreData, scanner.Scan(Sequences.Single("1"), out long f, out _));
        Assert.Equal(0, f);
        Assert.Equal(ParseStatus.NeedMoreData, scanner.Scan(Sequences.Single("10\r"), out f, out _));
        Assert.Equal(0, f);
        Assert.Equal(ParseStatus.NeedMoreData, scanner.Scan(Sequences.Single("10\r\n0123456"), out f, out _));
        Assert.Equal(11, f);
        Assert.Equal(7, scanner.BodyBytes);
        Assert.Equal(ParseStatus.NeedMoreData, scanner.Scan(Sequences.Single("789abcdef\r"), out f, out _));
        Assert.Equal(9, f);
        Assert.Equal(16, scanner.BodyBytes);
        Assert.Equal(ParseStatus.NeedMoreData, scanner.Scan(Sequences.Single("\r\n0\r\nX: 1"), out f, out _));
        Assert.Equal(5, f);
        Assert.Equal(ParseStatus.NeedMoreData, scanner.Scan(Sequences.Single("X: 1\r\n\r"), out f, out _));
        Assert.Equal(6, f);
        Assert.Equal(ParseStatus.Complete, scanner.Scan(Sequences.Single("\r\n"), out f, out _));
        Assert.Equal(2, f);
        Assert.Equal(ParseStatus.Complete, scanner.Scan(Sequences.Single("next"), out f, out _));
        Assert.Equal(0, f);
    }

    [Fact]
    public void Scan_HugeChunkSize_CountsDataAcrossCalls()
    {
        var scanner = default(ChunkedBodyScanner);
        byte[] block = new byte[65536];

        Assert.Equal(ParseStatus.NeedMoreData, scanner.Scan(Sequences.Single("7fffffffffffffff\r\n"), out long f, out _));
        Assert.Equal(18, f);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(ParseStatus.NeedMoreData, scanner.Scan(new ReadOnlySequence<byte>(block), out f, out _));
            Assert.Equal(block.Length, f);
        }

        Assert.Equal(4L * block.Length, scanner.BodyBytes);
    }

    [Fact]
    public void Reset_AfterCompleteBody_ScansNewBody()
    {
        var scanner = default(ChunkedBodyScanner);
        scanner.Scan(Sequences.Single("2\r\nab\r\n0\r\n\r\n"), out _, out _);

        scanner.Reset();
        ParseStatus status = scanner.Scan(Sequences.Single("1\r\nz\r\n0\r\n\r\n"), out long f, out _);

        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal(11, f);
        Assert.Equal(1, scanner.BodyBytes);
    }

    [Theory]
    [InlineData("Z\r\n", nameof(RejectReason.InvalidChunkSize))]
    [InlineData("\r\n", nameof(RejectReason.InvalidChunkSize))]
    [InlineData(";a\r\n", nameof(RejectReason.InvalidChunkSize))]
    [InlineData("-1\r\n", nameof(RejectReason.InvalidChunkSize))]
    [InlineData("0x5\r\n", nameof(RejectReason.InvalidChunkSize))]
    [InlineData("5 \r\nhello\r\n", nameof(RejectReason.InvalidChunkSize))]
    [InlineData("5\t\r\n", nameof(RejectReason.InvalidChunkSize))]
    [InlineData("5 5\r\n", nameof(RejectReason.InvalidChunkSize))]
    [InlineData("8000000000000000\r\n", nameof(RejectReason.InvalidChunkSize))]
    [InlineData("FFFFFFFFFFFFFFFFF\r\n", nameof(RejectReason.InvalidChunkSize))]
    [InlineData("5\rX", nameof(RejectReason.BareCr))]
    [InlineData("5\nhello", nameof(RejectReason.BareLf))]
    [InlineData("5;\r\n", nameof(RejectReason.InvalidChunkExtension))]
    [InlineData("5;=v\r\n", nameof(RejectReason.InvalidChunkExtension))]
    [InlineData("5;a=\r\n", nameof(RejectReason.InvalidChunkExtension))]
    [InlineData("5;a b\r\n", nameof(RejectReason.InvalidChunkExtension))]
    [InlineData("5;a \r\n", nameof(RejectReason.InvalidChunkExtension))]
    [InlineData("5;a=b c\r\n", nameof(RejectReason.InvalidChunkExtension))]
    [InlineData("5;a=\"x\r\n\"\r\n", nameof(RejectReason.InvalidChunkExtension))]
    [InlineData("5;a=\"x\"y\r\n", nameof(RejectReason.InvalidChunkExtension))]
    [InlineData("5;a@b\r\n", nameof(RejectReason.InvalidChunkExtension))]
    [InlineData("5\r\nhelloX\r\n", nameof(RejectReason.InvalidChunkTerminator))]
    [InlineData("5\r\nhello\rX", nameof(RejectReason.InvalidChunkTerminator))]
    [InlineData("5\r\nhello\n", nameof(RejectReason.InvalidChunkTerminator))]
    [InlineData("5\r\nhello!!\r\n", nameof(RejectReason.InvalidChunkTerminator))]
    [InlineData("0\r\nBad Name: x\r\n\r\n", nameof(RejectReason.InvalidTrailer))]
    [InlineData("0\r\n: x\r\n\r\n", nameof(RejectReason.InvalidTrailer))]
    [InlineData("0\r\nNoColon\r\n\r\n", nameof(RejectReason.InvalidTrailer))]
    [InlineData("0\r\n folded\r\n\r\n", nameof(RejectReason.InvalidTrailer))]
    [InlineData("0\r\nX: a\u0000\r\n\r\n", nameof(RejectReason.InvalidTrailer))]
    [InlineData("0\r\nX: a\rb\r\n\r\n", nameof(RejectReason.BareCr))]
    [InlineData("0\r\n\rX", nameof(RejectReason.BareCr))]
    [InlineData("0\r\n\n", nameof(RejectReason.BareLf))]
    [InlineData("0\r\nX: 1\n", nameof(RejectReason.BareLf))]
    public void Scan_BadBody_RejectedWholeByteByByteAndSplit(string body, string expectedName)
    {
        RejectReason expected = Enum.Parse<RejectReason>(expectedName);
        byte[] data = Sequences.Bytes(body);
        var whole = default(ChunkedBodyScanner);
        ParseStatus status = whole.Scan(new ReadOnlySequence<byte>(data), out long f, out RejectReason reason);
        Assert.Equal(ParseStatus.Rejected, status);
        Assert.Equal(expected, reason);
        Assert.Equal(0, f);
        Assert.Equal(400, RejectReasons.StatusCode(reason));

        Feed(data, Enumerable.Repeat(1, data.Length).ToArray(), null, out status, out _, out _, out reason);
        Assert.Equal(ParseStatus.Rejected, status);
        Assert.Equal(expected, reason);

        for (int cut = 0; cut <= data.Length; cut++)
        {
            var split = default(ChunkedBodyScanner);
            status = split.Scan(Sequences.Split(data, cut), out _, out reason);
            Assert.Equal(ParseStatus.Rejected, status);
            Assert.Equal(expected, reason);
        }
    }

    [Fact]
    public void Scan_ExtensionOverBound_ChunkExtensionTooLongWithoutWaitingForLineEnd()
    {
        string line = "5;" + new string('a', ChunkedBodyScanner.MaxChunkLineBytes);
        var scanner = default(ChunkedBodyScanner);

        ParseStatus status = scanner.Scan(Sequences.Single(line), out _, out RejectReason reason);

        Assert.Equal(ParseStatus.Rejected, status);
        Assert.Equal(RejectReason.ChunkExtensionTooLong, reason);
        Assert.Equal(400, RejectReasons.StatusCode(reason));
    }

    [Fact]
    public void Scan_ExtensionJustUnderBound_Accepted()
    {
        string line = "5;" + new string('a', ChunkedBodyScanner.MaxChunkLineBytes - 4) + "\r\n";
        Assert.Equal(ChunkedBodyScanner.MaxChunkLineBytes, line.Length);
        var scanner = default(ChunkedBodyScanner);

        ParseStatus status = scanner.Scan(Sequences.Split(Sequences.Bytes(line + "hello\r\n0\r\n\r\n"), 1000, 3000), out long f, out _);

        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal(line.Length + 12, f);
    }

    [Fact]
    public void Scan_EndlessLeadingZeros_InvalidChunkSize()
    {
        var scanner = default(ChunkedBodyScanner);

        ParseStatus status = scanner.Scan(Sequences.Single(new string('0', ChunkedBodyScanner.MaxChunkLineBytes)), out _, out RejectReason reason);

        Assert.Equal(ParseStatus.Rejected, status);
        Assert.Equal(RejectReason.InvalidChunkSize, reason);
    }

    [Fact]
    public void Scan_TrailerSectionOverBound_TrailerTooLarge()
    {
        var scanner = default(ChunkedBodyScanner);
        string trailers = string.Concat(Enumerable.Repeat("X-Pad: " + new string('p', 100) + "\r\n", 200));

        ParseStatus status = scanner.Scan(Sequences.Single("0\r\n" + trailers + "\r\n"), out _, out RejectReason reason);

        Assert.Equal(ParseStatus.Rejected, status);
        Assert.Equal(RejectReason.TrailerTooLarge, reason);
    }

    [Fact]
    public void Scan_TrailerSectionUnderBoundFedInPieces_Complete()
    {
        string body = "0\r\n" + string.Concat(Enumerable.Repeat("X-Pad: " + new string('p', 100) + "\r\n", 100)) + "\r\n";
        byte[] data = Sequences.Bytes(body);

        long forwarded = Feed(data, Enumerable.Repeat(997, (data.Length / 997) + 1).ToArray(), new Random(5), out ParseStatus last, out _, out _);

        Assert.Equal(ParseStatus.Complete, last);
        Assert.Equal(data.Length, forwarded);
    }

    /// <summary>
    /// Feeds <paramref name="data"/> in pieces as a pipe would: pending bytes accumulate, the scanner says how many may
    /// be forwarded, those are dropped. With <paramref name="random"/> the pending bytes are also split into segments.
    /// </summary>
    private static long Feed(byte[] data, int[] pieces, Random? random, out ParseStatus last, out ChunkedBodyScanner scanner, out int completedAtPiece)
        => Feed(data, pieces, random, out last, out scanner, out completedAtPiece, out _);

    private static long Feed(
        byte[] data, int[] pieces, Random? random, out ParseStatus last, out ChunkedBodyScanner scanner, out int completedAtPiece, out RejectReason reason)
    {
        scanner = default;
        var pending = new List<byte>();
        long forwarded = 0;
        int offset = 0;
        last = ParseStatus.NeedMoreData;
        reason = RejectReason.None;
        completedAtPiece = -1;
        for (int p = 0; p < pieces.Length && offset < data.Length; p++)
        {
            int n = Math.Min(pieces[p], data.Length - offset);
            pending.AddRange(data.AsSpan(offset, n).ToArray());
            offset += n;
            byte[] bytes = pending.ToArray();
            ReadOnlySequence<byte> buffer = random is null ? new ReadOnlySequence<byte>(bytes) : Sequences.RandomSplit(bytes, random, 4);

            last = scanner.Scan(buffer, out long forwardable, out reason);
            if (last == ParseStatus.Rejected)
            {
                return forwarded;
            }

            Assert.InRange(forwardable, 0, bytes.Length);
            forwarded += forwardable;
            pending.RemoveRange(0, (int)forwardable);
            if (last == ParseStatus.Complete)
            {
                completedAtPiece = p;
                Assert.Empty(pending);
                return forwarded;
            }
        }

        return forwarded;
    }
}

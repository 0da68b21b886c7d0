using System.Buffers;
using FastLb.Proxy.Http;

namespace FastLb.Fuzz;

/// <summary>
/// <see cref="ChunkedBodyScanner"/> on the input as a chunked body: what it says may be forwarded never exceeds what it
/// was given; fed whole, a byte per segment, or in pieces the way a connection feeds it (forward, advance, append), it
/// reaches the same verdict after the same bytes; a complete body ends where it said, whatever follows it.
/// </summary>
internal sealed class ChunkedBodyTarget : IFuzzTarget
{
    /// <inheritdoc />
    public void Run(ReadOnlySpan<byte> input)
    {
        byte[] data = input.ToArray();
        var whole = default(ChunkedBodyScanner);
        ParseStatus status = whole.Scan(new ReadOnlySequence<byte>(data), out long forwardable, out RejectReason reason);
        Check(status, forwardable, reason, data.Length, "whole");
        // Chunk data counts as body as it passes; a rejection forwards nothing of the bytes given (forwardable is 0).
        FuzzPropertyException.Check(status == ParseStatus.Rejected || whole.BodyBytes <= forwardable, $"body bytes {whole.BodyBytes} > forwardable {forwardable}");
        FuzzPropertyException.Check(whole.IsComplete == (status == ParseStatus.Complete), "IsComplete disagrees with the status");

        var bytewise = default(ChunkedBodyScanner);
        ParseStatus bytewiseStatus = bytewise.Scan(FuzzSegment.ByteBySegment(data), out long bytewiseForwardable, out RejectReason bytewiseReason);
        FuzzPropertyException.Same(
            $"{status} {reason} {forwardable} {whole.BodyBytes}",
            $"{bytewiseStatus} {bytewiseReason} {bytewiseForwardable} {bytewise.BodyBytes}",
            "a byte per segment scanned differently");

        // Fed in pieces whose sizes come from the input itself, so that every input has one reproducible feeding.
        var piecewise = default(ChunkedBodyScanner);
        var pending = new List<byte>();
        long forwarded = 0;
        int offset = 0;
        int step = 0;
        ParseStatus piecewiseStatus = ParseStatus.NeedMoreData;
        RejectReason piecewiseReason = RejectReason.None;
        while (offset < data.Length && piecewiseStatus == ParseStatus.NeedMoreData)
        {
            int n = Math.Min(data.Length - offset, 1 + (data[step++ % data.Length] % 7));
            pending.AddRange(data.AsSpan(offset, n));
            offset += n;
            byte[] buffer = pending.ToArray();
            int cut = buffer.Length == 0 ? 0 : data[(step * 31) % data.Length] % (buffer.Length + 1);
            piecewiseStatus = piecewise.Scan(FuzzSegment.Split(buffer, [cut]), out long f, out piecewiseReason);
            Check(piecewiseStatus, f, piecewiseReason, buffer.Length, $"piece ending at {offset}");
            forwarded += f;
            pending.RemoveRange(0, (int)f);
        }

        FuzzPropertyException.Same(
            $"{status} {reason} {(status == ParseStatus.Rejected ? 0 : forwardable)} {whole.BodyBytes}",
            $"{piecewiseStatus} {piecewiseReason} {(piecewiseStatus == ParseStatus.Rejected ? 0 : forwarded)} {piecewise.BodyBytes}",
            "fed in pieces, the body scanned differently");

        if (status == ParseStatus.Complete)
        {
            // The body ends at forwardable: the same bytes alone complete it, and it says so again without reading on.
            var exact = default(ChunkedBodyScanner);
            ParseStatus again = exact.Scan(new ReadOnlySequence<byte>(data, 0, (int)forwardable), out long exactForwardable, out _);
            FuzzPropertyException.Check(again == ParseStatus.Complete && exactForwardable == forwardable, "the body's own bytes do not complete it");
            ParseStatus after = whole.Scan(new ReadOnlySequence<byte>(data, (int)forwardable, data.Length - (int)forwardable), out long extra, out _);
            FuzzPropertyException.Check(after == ParseStatus.Complete && extra == 0, "a complete scanner consumed bytes after the body");
        }
    }

    private static void Check(ParseStatus status, long forwardable, RejectReason reason, long length, string what)
    {
        FuzzPropertyException.Check(forwardable >= 0 && forwardable <= length, $"{what}: forwardable {forwardable} outside the {length} bytes given");
        FuzzPropertyException.Check(status != ParseStatus.Rejected || (forwardable == 0 && reason != RejectReason.None), $"{what}: rejected with forwardable {forwardable}, reason {reason}");
    }
}

using System.Buffers;

namespace FastLb.Benchmarks.Http;

/// <summary>A segment of a hand-built multi-segment sequence, to replay heads split the way a pipe may split them.</summary>
internal sealed class BenchSegment : ReadOnlySequenceSegment<byte>
{
    /// <summary>Creates a first segment over <paramref name="memory"/>.</summary>
    public BenchSegment(ReadOnlyMemory<byte> memory)
    {
        Memory = memory;
    }

    /// <summary>Builds a sequence of <paramref name="data"/> cut at the given ascending offsets, each part in its own array.</summary>
    public static ReadOnlySequence<byte> Split(byte[] data, params int[] cuts)
    {
        var first = new BenchSegment(data.AsSpan(0, cuts[0]).ToArray());
        BenchSegment last = first;
        for (int i = 0; i < cuts.Length; i++)
        {
            int end = i + 1 < cuts.Length ? cuts[i + 1] : data.Length;
            var next = new BenchSegment(data.AsSpan(cuts[i], end - cuts[i]).ToArray()) { RunningIndex = last.RunningIndex + last.Memory.Length };
            last.Next = next;
            last = next;
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}

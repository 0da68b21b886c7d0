using System.Buffers;

namespace FastLb.Fuzz;

/// <summary>A segment of a hand-built multi-segment sequence; each holds its own exact-size copy, so no segment can be read past its end.</summary>
internal sealed class FuzzSegment : ReadOnlySequenceSegment<byte>
{
    private FuzzSegment(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    /// <summary>
    /// <paramref name="data"/> cut at <paramref name="cuts"/> (ascending offsets in 0..Length; equal or edge offsets make
    /// empty segments), each piece copied into its own array.
    /// </summary>
    public static ReadOnlySequence<byte> Split(ReadOnlySpan<byte> data, ReadOnlySpan<int> cuts)
    {
        FuzzSegment first = new(data.Slice(0, cuts.IsEmpty ? data.Length : cuts[0]).ToArray(), 0);
        FuzzSegment last = first;
        for (int i = 0; i < cuts.Length; i++)
        {
            int end = i + 1 < cuts.Length ? cuts[i + 1] : data.Length;
            var next = new FuzzSegment(data[cuts[i]..end].ToArray(), last.RunningIndex + last.Memory.Length);
            last.Next = next;
            last = next;
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Every byte of <paramref name="data"/> in its own segment.</summary>
    public static ReadOnlySequence<byte> ByteBySegment(ReadOnlySpan<byte> data)
    {
        if (data.Length < 2)
        {
            return new ReadOnlySequence<byte>(data.ToArray());
        }

        int[] cuts = new int[data.Length - 1];
        for (int i = 0; i < cuts.Length; i++)
        {
            cuts[i] = i + 1;
        }

        return Split(data, cuts);
    }
}

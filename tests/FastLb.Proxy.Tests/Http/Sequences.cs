using System.Buffers;
using System.Text;

namespace FastLb.Proxy.Tests.Http;

/// <summary>Builds byte sequences for parser tests, in one segment or split where asked.</summary>
internal static class Sequences
{
    /// <summary>The bytes of <paramref name="text"/>, one byte per char (Latin-1, so obs-text can be written as \u00E9).</summary>
    public static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    /// <summary>One segment holding <paramref name="text"/>.</summary>
    public static ReadOnlySequence<byte> Single(string text) => new(Bytes(text));

    /// <summary>
    /// <paramref name="data"/> split at the given offsets (ascending, 0..Length; equal or edge offsets give empty segments),
    /// each segment copied into its own array so that no segment can read past its end.
    /// </summary>
    public static ReadOnlySequence<byte> Split(ReadOnlySpan<byte> data, params int[] cuts)
    {
        if (cuts.Length == 0)
        {
            return new ReadOnlySequence<byte>(data.ToArray());
        }

        int previous = 0;
        TestSegment? first = null;
        TestSegment? last = null;
        for (int i = 0; i <= cuts.Length; i++)
        {
            int end = i < cuts.Length ? cuts[i] : data.Length;
            byte[] part = data.Slice(previous, end - previous).ToArray();
            last = last is null ? (first = new TestSegment(part)) : last.Append(part);
            previous = end;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    /// <summary>Splits <paramref name="data"/> into segments of random lengths 0..<paramref name="maxSegment"/>.</summary>
    public static ReadOnlySequence<byte> RandomSplit(ReadOnlySpan<byte> data, Random random, int maxSegment)
    {
        var cuts = new List<int>();
        int at = 0;
        while (true)
        {
            at += random.Next(0, maxSegment + 1);
            if (at >= data.Length)
            {
                break;
            }

            cuts.Add(at);
        }

        return Split(data, cuts.ToArray());
    }
}

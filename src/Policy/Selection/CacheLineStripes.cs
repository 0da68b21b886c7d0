using System.Numerics;
using System.Runtime.InteropServices;

namespace FastLb.Policy.Selection;

/// <summary>Per-processor 64-bit cells, each on a cache line of its own, for <see cref="StripedSequence"/>.</summary>
/// <remarks>
/// A thread updates the cell of the processor it runs on (<see cref="Thread.GetCurrentProcessorId"/>,
/// cached by the runtime, a few ns) with an interlocked add: two threads on two cores then write
/// two lines and do not take the line from each other on every update, which is what one shared
/// interlocked counter costs (a line that bounces between cores on every update). Cells are 128 B apart, with the value in the second half,
/// so neither the array's length (read for every access) nor the adjacent-line prefetcher
/// brings two cells together. The cell count is the processor count rounded up to a power of two
/// (at most <see cref="MaxStripes"/>); a thread that migrates only moves to another cell, and
/// interlocked adds keep every cell exact whoever writes it.
/// </remarks>
internal sealed class CacheLineStripes
{
    /// <summary>Most cells, whatever the processor count.</summary>
    public const int MaxStripes = 64;

    private readonly Cell[] _cells;
    private readonly int _mask;

    /// <summary>One cell per processor, cell <c>i</c> starting at <paramref name="start"/> + (i + 1) x <paramref name="spacing"/>.</summary>
    public CacheLineStripes(ulong start, ulong spacing)
    {
        int count = (int)Math.Min(MaxStripes, BitOperations.RoundUpToPowerOf2((uint)Math.Max(Environment.ProcessorCount, 2)));
        _cells = new Cell[count];
        _mask = count - 1;
        for (int i = 0; i < count; i++)
        {
            _cells[i].Value = start + ((ulong)(i + 1) * spacing);
        }
    }

    /// <summary>Adds <paramref name="delta"/> to the current processor's cell; returns the cell's new value.</summary>
    public ulong Add(ulong delta) => Interlocked.Add(ref _cells[Thread.GetCurrentProcessorId() & _mask].Value, delta);

    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct Cell
    {
        [FieldOffset(64)]
        public ulong Value;
    }
}

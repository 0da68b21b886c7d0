using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FastLb.Policy.Selection;

/// <summary>A lock-free sequence of distinct 64-bit values: start + step, start + 2 step, ... for its owner thread, disjoint runs for the others.</summary>
/// <remarks>
/// <para>The first thread to call <see cref="Next"/> owns the sequence and advances it with a
/// plain add on a field only it writes: no interlocked instruction, so a single-threaded caller
/// (the simulator, a test, the one thread of a benchmark) pays a few ns and gets exactly the
/// values one shared <see cref="Interlocked.Add(ref ulong, ulong)"/> would give, in the same
/// order. Every other thread advances the run of the processor it is on
/// (<see cref="CacheLineStripes"/>, allocated on the first such call) with an interlocked add on a
/// line of its own, so two threads do not take one line from each other on every call (guarded
/// by PolicyBenchmarksContended).</para>
/// <para>Runs are disjoint: the owner's starts at <c>start</c>, processor i's at
/// start + (i + 1) x <c>spacing</c>, and each stays apart from the next one for spacing / step
/// calls (2^48 for the random generator: years at a million calls a second). What a caller may no
/// longer assume under concurrency is one global order: two threads each see their own run
/// ascend, not one interleaved sequence.</para>
/// <para>The owner's field lies two cache lines away from the fields every thread reads (owner id,
/// stripes), so the owner's writes do not take those lines from the other threads.</para>
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = 192)]
internal sealed class StripedSequence
{
    [FieldOffset(0)]
    private CacheLineStripes? _stripes;

    [FieldOffset(8)]
    private readonly ulong _step;

    [FieldOffset(16)]
    private readonly ulong _spacing;

    [FieldOffset(24)]
    private readonly ulong _start;

    [FieldOffset(32)]
    private int _owner;

    [FieldOffset(128)]
    private ulong _value;

    /// <summary>A sequence whose owner's values are <paramref name="start"/> + k x <paramref name="step"/>, k = 1, 2, ...</summary>
    /// <param name="start">The value before the first.</param>
    /// <param name="step">What each call adds.</param>
    /// <param name="spacing">Distance between the starts of the runs of the other threads (processor i starts at start + (i + 1) x spacing).</param>
    public StripedSequence(ulong start, ulong step, ulong spacing)
    {
        _value = start;
        _start = start;
        _step = step;
        _spacing = spacing;
    }

    /// <summary>The next value of the calling thread's run.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Next()
    {
        if (_owner == Environment.CurrentManagedThreadId)
        {
            // Only the owner writes _value: a plain add cannot lose an update.
            return _value += _step;
        }

        return NextShared();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ulong NextShared()
    {
        int me = Environment.CurrentManagedThreadId;
        if (Volatile.Read(ref _owner) == 0 && Interlocked.CompareExchange(ref _owner, me, 0) == 0)
        {
            return _value += _step;
        }

        CacheLineStripes? stripes = Volatile.Read(ref _stripes);
        if (stripes is null)
        {
            // Racing first calls may each build one; the first published wins and the others are dropped unused.
            Interlocked.CompareExchange(ref _stripes, new CacheLineStripes(_start, _spacing), null);
            stripes = Volatile.Read(ref _stripes)!;
        }

        return stripes.Add(_step);
    }
}

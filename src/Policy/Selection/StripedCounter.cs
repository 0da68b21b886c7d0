using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FastLb.Policy.Selection;

/// <summary>A lock-free count that many threads add to and that is read as a whole: the owner thread adds with a plain add, the others on per-processor stripes.</summary>
/// <remarks>
/// For <see cref="Balancer.InFlight"/>: every pick adds 1 and every completion subtracts 1, from
/// whatever threads serve the pool, so one interlocked counter is a line every core writes twice
/// per request. Here the first thread to add owns a field only it writes (a plain add, as in
/// <see cref="StripedSequence"/>), and the other threads add to the stripe of their processor
/// (<see cref="CacheLineStripes"/>, allocated on the first such add). A read sums the owner's
/// field and the stripes: exact when nothing is changing, and while adds race it may miss one that
/// landed on a cell it had already read, the same staleness a read of one counter has a moment
/// later. A read during racing adds can be off by the adds in flight, so it is clamped at 0 (a
/// pick followed by its completion on another stripe can look like -1 for an instant).
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = 192)]
internal sealed class StripedCounter
{
    [FieldOffset(0)]
    private CacheLineStripes? _stripes;

    [FieldOffset(8)]
    private int _owner;

    [FieldOffset(128)]
    private long _value;

    /// <summary>The count: the owner's field plus every stripe, at least 0.</summary>
    public int Value
    {
        get
        {
            long sum = Volatile.Read(ref _value);
            CacheLineStripes? stripes = Volatile.Read(ref _stripes);
            if (stripes is not null)
            {
                sum += (long)stripes.Sum();
            }

            return sum <= 0 ? 0 : (int)Math.Min(sum, int.MaxValue);
        }
    }

    /// <summary>Adds <paramref name="delta"/> (negative to subtract).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(int delta)
    {
        if (_owner == Environment.CurrentManagedThreadId)
        {
            // Only the owner writes _value; the volatile write keeps readers on other threads from
            // seeing it late for longer than a store takes to drain.
            Volatile.Write(ref _value, _value + delta);
            return;
        }

        AddShared(delta);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AddShared(int delta)
    {
        int me = Environment.CurrentManagedThreadId;
        if (Volatile.Read(ref _owner) == 0 && Interlocked.CompareExchange(ref _owner, me, 0) == 0)
        {
            Volatile.Write(ref _value, _value + delta);
            return;
        }

        CacheLineStripes? stripes = Volatile.Read(ref _stripes);
        if (stripes is null)
        {
            Interlocked.CompareExchange(ref _stripes, new CacheLineStripes(0, 0), null);
            stripes = Volatile.Read(ref _stripes)!;
        }

        stripes.Add((ulong)(long)delta);
    }
}

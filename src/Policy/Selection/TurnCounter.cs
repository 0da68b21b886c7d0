using System.Runtime.CompilerServices;

namespace FastLb.Policy.Selection;

/// <summary>Whose turn it is: 0, 1, 2, ... for the rotating starts of round_robin, weighted_round_robin, the scans and the periodic recomputations.</summary>
/// <remarks>
/// On a <see cref="StripedSequence"/>: one thread (the simulator, a test) sees exactly the tickets
/// one interlocked increment used to give. Under concurrency each processor's threads get a run of
/// their own, and the runs start <see cref="Spacing"/> apart, so two threads do not start their
/// rotations at the same backend. This makes round robin a round robin per thread (per processor)
/// rather than one global rotation: every backend still gets an equal share from each thread, but
/// two consecutive requests from different threads may go to the same backend. That was decided on
/// purpose: the global rotation cost one interlocked increment on a line every core writes on
/// every pick, a cost that grows with the cores. (The 2-core VM of README's Measured section is
/// too noisy under two threads to put a figure on the difference; one thread went from about
/// 60 to about 30 ns per round-robin pick + report with this and the other stripings.)
/// </remarks>
internal readonly struct TurnCounter
{
    /// <summary>Distance between the runs of two processors: 2^32 / golden ratio, so starts spread evenly modulo any pool size.</summary>
    public const ulong Spacing = 0x9E37_79B9UL;

    private readonly StripedSequence _sequence;

    /// <summary>A counter whose first ticket is 0.</summary>
    public TurnCounter() => _sequence = new StripedSequence(ulong.MaxValue, 1, Spacing);

    /// <summary>The next ticket; wraps at 2^32 like the <see cref="uint"/> counter it replaces.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Next() => (uint)_sequence.Next();
}

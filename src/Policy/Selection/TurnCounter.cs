using System.Runtime.CompilerServices;

namespace FastLb.Policy.Selection;

/// <summary>Whose turn it is: 0, 1, 2, ... for the rotating starts of the scans, consistent_hash's check and the periodic recomputations.</summary>
/// <remarks>
/// On a <see cref="StripedSequence"/>: one thread (the simulator, a test) sees exactly the tickets
/// one shared interlocked increment would give. Under concurrency each processor's threads get a run of
/// their own, and the runs start <see cref="Spacing"/> apart, so two threads do not start their
/// scans at the same backend. Only a tie-break or a schedule rides on these tickets, so a rotation
/// per thread changes nothing a user sees, and no core writes a line that the others write on every
/// pick. round_robin and weighted_round_robin, whose rotation users do see, take a
/// <see cref="SharedTurnCounter"/> instead.
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

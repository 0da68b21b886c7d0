using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FastLb.Policy.Selection;

/// <summary>One rotation that every thread shares: tickets 0, 1, 2, ... from one interlocked increment, on a cache line of its own.</summary>
/// <remarks>
/// For round_robin and weighted_round_robin, whose users see the rotation itself: the proxy serves
/// even consecutive requests of one client on different pool threads, so a rotation per thread
/// (<see cref="TurnCounter"/>) could send two requests in a row to the same backend (ten sequential
/// connections split 6/4 instead of 5/5). The price is one interlocked increment per pick on a line
/// that every core writes. The counter sits 64 bytes into the object so that nothing else shares its line.
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal sealed class SharedTurnCounter
{
    [FieldOffset(64)]
    private uint _next;

    /// <summary>The next ticket; wraps at 2^32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Next() => Interlocked.Increment(ref _next) - 1;
}

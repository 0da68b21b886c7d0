using System.Runtime.CompilerServices;

namespace FastLb.Policy.Selection;

/// <summary>An instance-owned, seeded, lock-free random generator: splitmix64 over a <see cref="StripedSequence"/>.</summary>
/// <remarks>
/// Why not <see cref="System.Random"/>: it is not thread-safe, and <c>Random.Shared</c> is shared
/// state that cannot be seeded. Every call claims its own counter value (the owner thread with a
/// plain add, other threads with an interlocked add on their processor's stripe), so concurrent
/// callers never see the same value, nothing is lost, and a single-threaded run gives the values
/// seed + k x gamma, k = 1, 2, ..., mixed: reproducible from the seed, and the same sequence as
/// when every call was one interlocked add on one shared counter. Under concurrency each thread
/// draws from its own run, 2^48 draws apart from the others'.
/// </remarks>
internal sealed class SplitMix64Random
{
    private const ulong Gamma = 0x9E3779B97F4A7C15UL;

    private readonly StripedSequence _state;

    /// <summary>Creates a generator whose sequence is fixed by <paramref name="seed"/>.</summary>
    public SplitMix64Random(ulong seed) => _state = new StripedSequence(seed, Gamma, Gamma << 48);

    /// <summary>The next 64 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64() => Mix(_state.Next());

    /// <summary>A uniform integer in [0, <paramref name="exclusiveMax"/>); Lemire's multiply-shift, no division.</summary>
    public int NextInt(int exclusiveMax) => (int)(((NextUInt64() >> 32) * (ulong)(uint)exclusiveMax) >> 32);

    /// <summary>A uniform double in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>The splitmix64 finaliser: a bijective mix of all 64 bits, also used to spread hash keys.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

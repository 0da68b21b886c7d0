namespace FastLb.Policy.Selection;

/// <summary>An instance-owned, seeded, lock-free random generator: splitmix64 over an interlocked counter.</summary>
/// <remarks>
/// Why not <see cref="System.Random"/>: it is not thread-safe, and <c>Random.Shared</c> is shared
/// state that cannot be seeded. Here every call claims its own counter value with one
/// <see cref="Interlocked.Add(ref ulong, ulong)"/>, so concurrent callers never see the same
/// value, nothing is lost, and a single-threaded run is reproducible from the seed.
/// </remarks>
internal sealed class SplitMix64Random
{
    private const ulong Gamma = 0x9E3779B97F4A7C15UL;

    private ulong _state;

    /// <summary>Creates a generator whose sequence is fixed by <paramref name="seed"/>.</summary>
    public SplitMix64Random(ulong seed) => _state = seed;

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64() => Mix(Interlocked.Add(ref _state, Gamma));

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

using System.Runtime.CompilerServices;
using FastLb.Policy.Selection;

namespace FastLb.Policy.Baselines;

/// <summary><c>consistent_hash</c>: a hash ring on <see cref="RequestFeatures.HashKey"/> with bounded loads.</summary>
/// <remarks>
/// The key is mixed and looked up on a <see cref="HashRingSnapshot"/>; the walk goes clockwise
/// past points whose backend is unavailable, excluded, or already carrying more than
/// ceil(<see cref="LoadFactor"/> x (pool in-flight + 1) / backends) requests (Mirrokni, Thorup and
/// Zadimoghaddam, consistent hashing with bounded loads), so a hot key spills over to the next
/// backends instead of overloading one. A key whose backend goes out moves to the next one on the
/// ring and comes back when it returns; other keys stay. Key 0 (no affinity) is routed by
/// power of two choices. The ring is rebuilt off the steady path as in weighted round robin: each
/// pick checks one position against the snapshot, the pick that sees a change rebuilds.
/// </remarks>
public sealed class ConsistentHashPolicy : IRoutingPolicy
{
    /// <summary>The bound's c: no backend takes more than c times the mean load.</summary>
    public const double LoadFactor = 1.25;

    private readonly SplitMix64Random _random;
    private HashRingSnapshot? _ring;
    private readonly TurnCounter _turns = new();
    private int _rebuilding;

    /// <summary>Creates the policy; <paramref name="seed"/> drives the fallback for keyless requests.</summary>
    public ConsistentHashPolicy(ulong seed) => _random = new SplitMix64Random(seed);

    /// <inheritdoc />
    public string Name => PolicyNames.ConsistentHash;

    /// <inheritdoc />
    // Hot path: guarded by PolicyBenchmarks.
    public int Pick(ReadOnlySpan<BackendState> backends, in RequestFeatures request, ref PickNote note)
    {
        int count = backends.Length;
        if (count == 0)
        {
            return IRoutingPolicy.NoBackend;
        }

        if (request.HashKey == 0)
        {
            return PowerOfTwoPolicy.PickLeastOfTwo(backends, request.ExcludeIndex, _random);
        }

        HashRingSnapshot? ring = Volatile.Read(ref _ring);
        int check = (int)(_turns.Next() % (uint)count);
        if (ring is null || ring.Backends.Length != count || !ReferenceEquals(ring.Backends[check], backends[check]))
        {
            ring = Rebuild(backends, ring);
        }

        // Bound from the pool's in-flight (filled by Balancer) counting this request.
        int bound = (int)Math.Ceiling(LoadFactor * (Math.Max(request.PoolInFlight, 0) + 1) / count);
        ulong[] points = ring.Points;
        int[] owners = ring.Owners;
        int point = ring.FirstAtOrAfter(SplitMix64Random.Mix(request.HashKey));
        int firstEligible = -1;
        for (int step = 0; step < points.Length; step++)
        {
            int index = owners[point];
            if (CandidateSampler.IsEligible(backends, index, request.ExcludeIndex))
            {
                if (backends[index].InFlight < bound)
                {
                    return index;
                }

                if (firstEligible < 0)
                {
                    firstEligible = index;
                }
            }

            if (++point == points.Length)
            {
                point = 0;
            }
        }

        // Only when every eligible backend is at the bound (the bound counts unavailable
        // backends too): keep affinity rather than refuse.
        return firstEligible;
    }

    /// <inheritdoc />
    public void Report(BackendState backend, in RequestFeatures request, in PickNote note, in RequestOutcome outcome)
    {
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private HashRingSnapshot Rebuild(ReadOnlySpan<BackendState> backends, HashRingSnapshot? current)
    {
        if (Interlocked.CompareExchange(ref _rebuilding, 1, 0) != 0)
        {
            return current is not null && current.Backends.Length == backends.Length ? current : HashRingSnapshot.Build(backends);
        }

        try
        {
            HashRingSnapshot built = HashRingSnapshot.Build(backends);
            Volatile.Write(ref _ring, built);
            return built;
        }
        finally
        {
            Volatile.Write(ref _rebuilding, 0);
        }
    }
}

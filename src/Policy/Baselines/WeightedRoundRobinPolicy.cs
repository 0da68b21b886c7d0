using FastLb.Policy.Selection;

namespace FastLb.Policy.Baselines;

/// <summary><c>weighted_round_robin</c>: nginx's smooth weighted round robin, from a precomputed schedule.</summary>
/// <remarks>
/// A pick is one turn of a <see cref="SharedTurnCounter"/> (one rotation for every thread, as
/// round_robin) indexing an immutable <see cref="WeightedScheduleSnapshot"/>.
/// Each pick also checks one backend position (rotating) against the snapshot, so a change of
/// weight, availability or pool is seen within one pass over the pool without an O(n) check per
/// pick; the one pick that sees it and wins a flag rebuilds the schedule and publishes it with one
/// volatile write (an allocation, as rare as a config reload or a health flip), while concurrent
/// picks keep using the old one.
/// </remarks>
public sealed class WeightedRoundRobinPolicy : IRoutingPolicy
{
    private WeightedScheduleSnapshot? _snapshot;
    private readonly SharedTurnCounter _turns = new();
    private int _rebuilding;

    /// <inheritdoc />
    public string Name => PolicyNames.WeightedRoundRobin;

    /// <inheritdoc />
    // Hot path: guarded by PolicyBenchmarks.
    public int Pick(ReadOnlySpan<BackendState> backends, in RequestFeatures request, ref PickNote note)
    {
        int count = backends.Length;
        if (count == 0)
        {
            return IRoutingPolicy.NoBackend;
        }

        uint ticket = _turns.Next();
        WeightedScheduleSnapshot? snapshot = Volatile.Read(ref _snapshot);
        if (snapshot is null || snapshot.Backends.Length != count || !snapshot.Matches(backends, (int)(ticket % (uint)count)))
        {
            snapshot = Rebuild(backends, snapshot);
        }

        int[] schedule = snapshot.Schedule;
        if (schedule.Length > 0)
        {
            int start = (int)(ticket % (uint)schedule.Length);

            // Normally the first slot; more only for an excluded backend or one that went out since the build.
            int limit = Math.Min(schedule.Length, 2 * count);
            for (int i = 0; i < limit; i++)
            {
                int slot = start + i;
                if (slot >= schedule.Length)
                {
                    slot -= schedule.Length;
                }

                int index = schedule[slot];
                if (CandidateSampler.IsEligible(backends, index, request.ExcludeIndex))
                {
                    return index;
                }
            }
        }

        return CandidateSampler.ScanFrom(backends, (int)(ticket % (uint)count), request.ExcludeIndex, -1);
    }

    /// <inheritdoc />
    public void Report(BackendState backend, in RequestFeatures request, in PickNote note, in RequestOutcome outcome)
    {
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private WeightedScheduleSnapshot Rebuild(ReadOnlySpan<BackendState> backends, WeightedScheduleSnapshot? current)
    {
        // One builder at a time; the others use what is published (or build for themselves when
        // nothing matching the pool size exists yet, which only happens on the first picks).
        if (Interlocked.CompareExchange(ref _rebuilding, 1, 0) != 0)
        {
            return current is not null && current.Backends.Length == backends.Length ? current : WeightedScheduleSnapshot.Build(backends);
        }

        try
        {
            WeightedScheduleSnapshot built = WeightedScheduleSnapshot.Build(backends);
            Volatile.Write(ref _snapshot, built);
            return built;
        }
        finally
        {
            Volatile.Write(ref _rebuilding, 0);
        }
    }
}

using FastLb.Policy.Selection;

namespace FastLb.Policy.Baselines;

/// <summary><c>round_robin</c>: each available backend in turn.</summary>
/// <remarks>
/// The turn comes from a <see cref="SharedTurnCounter"/>, one rotation over the pool for every
/// thread: consecutive requests go to consecutive backends whichever pool threads serve them.
/// </remarks>
public sealed class RoundRobinPolicy : IRoutingPolicy
{
    private readonly SharedTurnCounter _turns = new();

    /// <inheritdoc />
    public string Name => PolicyNames.RoundRobin;

    /// <inheritdoc />
    /// <remarks>Hot path: guarded by PolicyBenchmarks. One turn (one interlocked increment);
    /// the scan only continues past unavailable or excluded backends.</remarks>
    public int Pick(ReadOnlySpan<BackendState> backends, in RequestFeatures request, ref PickNote note)
    {
        int count = backends.Length;
        if (count == 0)
        {
            return IRoutingPolicy.NoBackend;
        }

        int start = (int)(_turns.Next() % (uint)count);
        for (int i = 0; i < count; i++)
        {
            int index = start + i;
            if (index >= count)
            {
                index -= count;
            }

            if (index != request.ExcludeIndex && backends[index].IsAvailable)
            {
                return index;
            }
        }

        return IRoutingPolicy.NoBackend;
    }

    /// <inheritdoc />
    public void Report(BackendState backend, in RequestFeatures request, in PickNote note, in RequestOutcome outcome)
    {
    }
}

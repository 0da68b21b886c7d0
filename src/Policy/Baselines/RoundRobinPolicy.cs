using FastLb.Policy.Selection;

namespace FastLb.Policy.Baselines;

/// <summary><c>round_robin</c>: each available backend in turn.</summary>
/// <remarks>
/// The turn comes from a <see cref="TurnCounter"/>: one thread sees one rotation over the pool,
/// exactly as with the interlocked counter it replaces. When picks come from several threads (the
/// proxy's thread pool, even for requests that follow one another) the rotation is per thread
/// (per processor stripe), not global: each thread still spreads its requests evenly, so
/// the shares stay equal, but two threads may send consecutive requests to the same backend.
/// Decided on purpose: a global rotation needs one counter that every core writes on every pick
/// (see <see cref="TurnCounter"/>; README, Measured, Policies).
/// </remarks>
public sealed class RoundRobinPolicy : IRoutingPolicy
{
    private readonly TurnCounter _turns = new();

    /// <inheritdoc />
    public string Name => PolicyNames.RoundRobin;

    /// <inheritdoc />
    /// <remarks>Hot path: guarded by PolicyBenchmarks. One turn (a plain add on the owner thread);
    /// the scan only continues past unavailable or excluded backends.</remarks>
    public int Pick(ReadOnlySpan<BackendState> backends, in RequestFeatures request)
    {
        int count = backends.Length;
        if (count == 0)
        {
            return -1;
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

        return -1;
    }

    /// <inheritdoc />
    public void Report(BackendState backend, in RequestFeatures request, in RequestOutcome outcome)
    {
    }
}

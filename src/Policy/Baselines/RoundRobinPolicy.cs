namespace FastLb.Policy.Baselines;

/// <summary><c>round_robin</c>: each available backend in turn.</summary>
public sealed class RoundRobinPolicy : IRoutingPolicy
{
    private uint _next;

    /// <inheritdoc />
    public string Name => PolicyNames.RoundRobin;

    /// <inheritdoc />
    /// <remarks>Hot path: guarded by PolicyBenchmarks. One interlocked increment; the scan only
    /// continues past unavailable or excluded backends.</remarks>
    public int Pick(ReadOnlySpan<BackendState> backends, in RequestFeatures request)
    {
        int count = backends.Length;
        if (count == 0)
        {
            return -1;
        }

        int start = (int)((Interlocked.Increment(ref _next) - 1) % (uint)count);
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

using FastLb.Policy.Selection;

namespace FastLb.Policy.Baselines;

/// <summary><c>least_connections</c>: the available backend with the fewest requests in flight, by a full scan.</summary>
/// <remarks>Ties go to the first one found from a rotating start, so equal backends share the load.</remarks>
public sealed class LeastConnectionsPolicy : IRoutingPolicy
{
    private readonly TurnCounter _turns = new();

    /// <inheritdoc />
    public string Name => PolicyNames.LeastConnections;

    /// <inheritdoc />
    /// <remarks>Hot path: guarded by PolicyBenchmarks.</remarks>
    public int Pick(ReadOnlySpan<BackendState> backends, in RequestFeatures request, ref PickNote note)
    {
        int count = backends.Length;
        if (count == 0)
        {
            return IRoutingPolicy.NoBackend;
        }

        int start = (int)(_turns.Next() % (uint)count);
        return CheapestScan.Find<InFlightCost, int>(backends, start, request.ExcludeIndex, default);
    }

    /// <inheritdoc />
    public void Report(BackendState backend, in RequestFeatures request, in PickNote note, in RequestOutcome outcome)
    {
    }

    private readonly struct InFlightCost : IBackendCost<int>
    {
        public int Of(BackendState backend) => backend.InFlight;
    }
}

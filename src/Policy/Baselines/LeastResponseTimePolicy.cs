using FastLb.Policy.Selection;

namespace FastLb.Policy.Baselines;

/// <summary><c>least_response_time</c>: the available backend with the lowest EWMA latency x (in-flight + 1), by a full scan.</summary>
/// <remarks>
/// The cost estimates how long a new request would wait behind the ones in flight. A backend with
/// no latency sample yet counts half the pool's mean latency (kept here from reports, 30 ms before
/// the first): optimistic, so a new backend is tried soon, while the in-flight factor stops it
/// from swallowing every request until its first answer.
/// Ties go to the first found from a rotating start.
/// </remarks>
public sealed class LeastResponseTimePolicy : IRoutingPolicy
{
    /// <summary>Latency assumed for a backend before anything is known, in ms.</summary>
    public const double InitialLatencyMs = 30;

    private readonly TurnCounter _turns = new();
    private double _poolLatencyMs = InitialLatencyMs;

    /// <inheritdoc />
    public string Name => PolicyNames.LeastResponseTime;

    /// <inheritdoc />
    // Hot path: guarded by PolicyBenchmarks.
    public int Pick(ReadOnlySpan<BackendState> backends, in RequestFeatures request, ref PickNote note)
    {
        int count = backends.Length;
        if (count == 0)
        {
            return IRoutingPolicy.NoBackend;
        }

        double unknown = 0.5 * Volatile.Read(ref _poolLatencyMs);
        int start = (int)(_turns.Next() % (uint)count);
        return CheapestScan.Find<ResponseTimeCost, double>(backends, start, request.ExcludeIndex, new ResponseTimeCost(unknown));
    }

    /// <inheritdoc />
    public void Report(BackendState backend, in RequestFeatures request, in PickNote note, in RequestOutcome outcome)
    {
        if (outcome.Error == OutcomeError.None)
        {
            // A racy read-modify-write: a lost update only drops one sample from a smoothed
            // default, so it is not worth a compare-and-swap loop here.
            double mean = Volatile.Read(ref _poolLatencyMs);
            Volatile.Write(ref _poolLatencyMs, mean + (BackendState.LatencyAlpha * (outcome.LatencyMs - mean)));
        }
    }

    /// <summary>EWMA latency x (in-flight + 1), with <c>unknown</c> for a backend without a sample.</summary>
    private readonly struct ResponseTimeCost(double unknown) : IBackendCost<double>
    {
        public double Of(BackendState backend)
        {
            double latency = backend.EwmaLatencyMs;
            return (latency > 0 ? latency : unknown) * (backend.InFlight + 1);
        }
    }
}

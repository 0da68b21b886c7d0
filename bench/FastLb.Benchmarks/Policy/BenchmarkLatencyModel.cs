using FastLb.Policy;
using FastLb.Policy.Prediction;

namespace FastLb.Benchmarks.Policy;

/// <summary>A cheap stand-in latency model (per-backend base + 2 ms per request in flight) so that fastlb's model path can be timed.</summary>
/// <remarks>The pick path reads only the published prediction table, never the model, so what the model computes does not change what is measured; a trained model only makes the off-path refresh slower.</remarks>
internal sealed class BenchmarkLatencyModel : ILatencyModel
{
    /// <inheritdoc />
    public LatencyModelInfo Info { get; } = new("bench-linear", ["backend", "inflight_backend"], DateTimeOffset.UnixEpoch, 0);

    /// <inheritdoc />
    public double PredictMs(BackendState backend, string? route, in RequestFeatures request)
        => 15 + (backend.Id.Length % 7) + (2.0 * backend.InFlight);
}

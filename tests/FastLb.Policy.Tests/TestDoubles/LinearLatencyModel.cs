using FastLb.Policy.Prediction;

namespace FastLb.Policy.Tests.TestDoubles;

/// <summary>A latency model with a known formula: base ms per backend id + slope x in-flight (+ per-route extra); counts its calls.</summary>
/// <remarks>Acceptable as a test double only because a model is pure math: it stands for a trained one.</remarks>
public sealed class LinearLatencyModel : ILatencyModel
{
    private readonly Dictionary<string, double> _baseMs;
    private long _calls;

    /// <summary>Creates the model.</summary>
    public LinearLatencyModel(Dictionary<string, double> baseMs, double slopeMsPerInFlight, double slashApiExtraMs = 0)
    {
        _baseMs = baseMs;
        SlopeMsPerInFlight = slopeMsPerInFlight;
        ApiExtraMs = slashApiExtraMs;
    }

    /// <summary>Added per request in flight on the backend.</summary>
    public double SlopeMsPerInFlight { get; }

    /// <summary>Added for the route <c>/api</c>.</summary>
    public double ApiExtraMs { get; }

    /// <summary>Calls to <see cref="PredictMs"/> so far.</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>When set, <see cref="PredictMs"/> throws.</summary>
    public bool Broken { get; set; }

    /// <inheritdoc />
    public LatencyModelInfo Info { get; } = new("test-linear-1", ["backend", "inflight_backend", "route"], DateTimeOffset.UnixEpoch, 0);

    /// <inheritdoc />
    public double PredictMs(BackendState backend, string? route, in RequestFeatures request)
    {
        Interlocked.Increment(ref _calls);
        if (Broken)
        {
            throw new InvalidOperationException("model broken on purpose");
        }

        double extra = route == "/api" ? ApiExtraMs : 0;
        return (_baseMs.TryGetValue(backend.Id, out double baseMs) ? baseMs : 20) + (SlopeMsPerInFlight * backend.InFlight) + extra;
    }
}

using FastLb.Policy.Selection;

namespace FastLb.Policy.Baselines;

/// <summary><c>peak_ewma</c>: of two random available backends, the one with the lower peak-sensitive EWMA latency x (in-flight + 1).</summary>
/// <remarks>
/// Finagle's and Linkerd's rule. The estimate jumps to a sample above it (so a slowdown is seen at
/// once) and otherwise moves toward the sample with weight 1 - exp(-dt / decay), dt the time since
/// the backend's previous sample; it starts at <see cref="InitialLatencyMs"/>. When read it is
/// decayed toward zero by the time since the last sample, so a backend that was left alone after
/// a slow spell is tried again. A failure counts as <see cref="FailureLatencyMs"/>, so a backend
/// that fails fast does not look fast. Per-backend state lives in arrays owned by this policy,
/// indexed by position (<see cref="BackendSlots"/>). Time comes from the request's timestamp when
/// it has one (<see cref="PolicyClock"/>).
/// </remarks>
public sealed class PeakEwmaPolicy : IRoutingPolicy
{
    /// <summary>Estimate before the first sample, in ms (the suite's peak_ewma, docs/SCENARIOS.md).</summary>
    public const double InitialLatencyMs = 30;

    /// <summary>Decay time constant, in seconds (the suite's peak_ewma, docs/SCENARIOS.md).</summary>
    public const double DecaySeconds = 10;

    /// <summary>Latency a failed request counts as, in ms: the scenarios' deadline.</summary>
    public const double FailureLatencyMs = 1000;

    private readonly PeakEwmaEstimates _estimates;
    private readonly SplitMix64Random _random;
    private readonly PolicyClock _clock;

    /// <summary>Creates the policy for a pool of <see cref="PolicyContext.BackendCount"/> backends.</summary>
    public PeakEwmaPolicy(PolicyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _clock = new PolicyClock(context.Time);
        _random = new SplitMix64Random(context.Seed);
        _estimates = new PeakEwmaEstimates(context.BackendCount, context.Time, InitialLatencyMs, DecaySeconds);
    }

    /// <inheritdoc />
    public string Name => PolicyNames.PeakEwma;

    /// <inheritdoc />
    // Hot path: guarded by PolicyBenchmarks.
    public int Pick(ReadOnlySpan<BackendState> backends, in RequestFeatures request, ref PickNote note)
    {
        int first = CandidateSampler.PickTwo(backends, request.ExcludeIndex, _random, out int second);
        if (second < 0)
        {
            return first;
        }

        long now = _clock.AtPick(request);
        double firstCost = _estimates.Cost(first, backends[first], now);
        double secondCost = _estimates.Cost(second, backends[second], now);
        return secondCost < firstCost ? second : first;
    }

    /// <inheritdoc />
    public void Report(BackendState backend, in RequestFeatures request, in PickNote note, in RequestOutcome outcome)
    {
        double latency = outcome.IsFailure ? Math.Max(outcome.LatencyMs, FailureLatencyMs) : outcome.LatencyMs;
        _estimates.Observe(backend, request.PickedIndex, latency, _clock.AtReport(request, outcome));
    }
}

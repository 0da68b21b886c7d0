namespace FastLb.Simulation;

/// <summary>The service level of goodput at SLO: the highest ramp step that meets it.</summary>
internal sealed class SloSpec
{
    /// <summary>Largest p99 in ms.</summary>
    public double P99Ms { get; init; } = 100;

    /// <summary>Largest error rate (timeouts included).</summary>
    public double ErrorRate { get; init; } = 0.001;
}

namespace FastLb.Simulation;

/// <summary>One phase of bursty arrivals: its load and its mean exponential length.</summary>
internal sealed class BurstPhaseSpec
{
    /// <summary>Load during the phase.</summary>
    public double Load { get; init; }

    /// <summary>Mean length of the phase in seconds.</summary>
    public double MeanS { get; init; }
}

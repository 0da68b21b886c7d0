namespace FastLb.Simulation;

/// <summary>The arrival process: open-loop Poisson, two-state bursty, or a ramp of Poisson steps.</summary>
/// <remarks>Loads are fractions of <see cref="ScenarioSpec.CapacityRps"/>.</remarks>
internal sealed class ArrivalSpec
{
    /// <summary>Which process.</summary>
    public ArrivalProcessKind Process { get; init; } = ArrivalProcessKind.Poisson;

    /// <summary>Poisson: the load.</summary>
    public double? Load { get; init; }

    /// <summary>Bursty: the ON phase.</summary>
    public BurstPhaseSpec? On { get; init; }

    /// <summary>Bursty: the OFF phase.</summary>
    public BurstPhaseSpec? Off { get; init; }

    /// <summary>Ramp: the steps, in order; the measured duration is their sum.</summary>
    public List<RampStepSpec>? Steps { get; init; }

    /// <summary>Load during the warm-up; default the Poisson load or the first step's (bursty keeps bursting).</summary>
    public double? WarmupLoad { get; init; }
}

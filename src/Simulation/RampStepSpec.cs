namespace FastLb.Simulation;

/// <summary>One step of a load ramp.</summary>
internal sealed class RampStepSpec
{
    /// <summary>Load during the step.</summary>
    public double Load { get; init; }

    /// <summary>Length of the step in seconds.</summary>
    public double DurationS { get; init; }
}

namespace FastLb.Simulation;

/// <summary>A service time distribution: its family and parameters.</summary>
internal sealed class ServiceTimeSpec
{
    /// <summary>The family.</summary>
    public ServiceDistribution Distribution { get; init; } = ServiceDistribution.Lognormal;

    /// <summary>Mean service time in ms.</summary>
    public double MeanMs { get; init; }

    /// <summary>Coefficient of variation (lognormal only).</summary>
    public double Cv { get; init; } = 1;

    /// <summary>Tail index (Pareto only), above 1 so the mean exists.</summary>
    public double Alpha { get; init; } = 1.5;

    /// <summary>Largest service time (Pareto only): the distribution is truncated there, and its scale solved so the truncated mean is <see cref="MeanMs"/>.</summary>
    public double? CutMs { get; init; }
}

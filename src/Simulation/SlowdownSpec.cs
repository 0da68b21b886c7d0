namespace FastLb.Simulation;

/// <summary>Random slowdowns: every backend redraws a factor on its service time every Exp(mean) seconds.</summary>
internal sealed class SlowdownSpec
{
    /// <summary>Mean interval between redraws, in seconds.</summary>
    public double MeanIntervalS { get; init; }

    /// <summary>The factors and their probabilities, which sum to 1.</summary>
    public List<SlowdownFactorSpec>? Factors { get; init; }
}

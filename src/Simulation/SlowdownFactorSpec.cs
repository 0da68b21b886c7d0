namespace FastLb.Simulation;

/// <summary>One possible slowdown factor and its probability.</summary>
internal sealed class SlowdownFactorSpec
{
    /// <summary>Service times are multiplied by it.</summary>
    public double Factor { get; init; } = 1;

    /// <summary>Probability of drawing it.</summary>
    public double P { get; init; }
}

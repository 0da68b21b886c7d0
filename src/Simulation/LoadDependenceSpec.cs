namespace FastLb.Simulation;

/// <summary>Service time grows with the backend's concurrency: m(k) = m x (1 + slope x max(0, k - knee)).</summary>
/// <remarks>k counts the requests in service at the start of this one, itself included; the factor is fixed at that start.</remarks>
internal sealed class LoadDependenceSpec
{
    /// <summary>Concurrency up to which service time does not grow.</summary>
    public int Knee { get; init; } = 4;

    /// <summary>Relative growth of the mean per request above the knee.</summary>
    public double Slope { get; init; } = 0.15;
}

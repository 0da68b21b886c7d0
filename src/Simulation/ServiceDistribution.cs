namespace FastLb.Simulation;

/// <summary>Families of service time distributions.</summary>
internal enum ServiceDistribution
{
    /// <summary>Lognormal with a given mean and coefficient of variation.</summary>
    Lognormal,

    /// <summary>Pareto with a given tail index and mean, optionally truncated.</summary>
    Pareto,

    /// <summary>Exponential with a given mean.</summary>
    Exponential,
}

namespace FastLb.Simulation;

/// <summary>Kinds of arrival process.</summary>
internal enum ArrivalProcessKind
{
    /// <summary>Poisson at a constant rate.</summary>
    Poisson,

    /// <summary>Two-state Markov-modulated Poisson: ON and OFF phases of exponential length.</summary>
    Bursty,

    /// <summary>Poisson steps of given loads and durations.</summary>
    Ramp,
}

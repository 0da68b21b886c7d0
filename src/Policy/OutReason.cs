namespace FastLb.Policy;

/// <summary>Why a backend is out of rotation; a backend is picked only when none is set.</summary>
[Flags]
public enum OutReason
{
    /// <summary>In rotation.</summary>
    None = 0,

    /// <summary>Its active health check failed, or (without one) a connect probe did.</summary>
    Health = 1,

    /// <summary>Its circuit breaker is open: passive detection saw it fail.</summary>
    Breaker = 2,

    /// <summary>Ejected as a latency outlier.</summary>
    Ejected = 4,

    /// <summary>The reasons that come from watching requests rather than from checks: a pool whose backends are all out only for these fails open.</summary>
    Passive = Breaker | Ejected,
}

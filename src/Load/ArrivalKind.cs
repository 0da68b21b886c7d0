namespace FastLb.Load;

/// <summary>How an open-loop run spaces its requests.</summary>
public enum ArrivalKind
{
    /// <summary>Evenly spaced: one request every 1/rate seconds.</summary>
    Constant,

    /// <summary>A Poisson process: exponentially distributed gaps with mean 1/rate.</summary>
    Poisson,
}

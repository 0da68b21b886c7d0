namespace FastLb.Policy;

/// <summary>When a backend's circuit breaker opens and how long it stays open.</summary>
/// <param name="ConsecutiveFailures">Failures in a row that open the circuit.</param>
/// <param name="ErrorRate">Share of failed requests over <paramref name="WindowMs"/> that opens the circuit, in (0, 1]; above 1 turns the rate test off.</param>
/// <param name="MinRequests">Requests the window must hold before <paramref name="ErrorRate"/> is judged.</param>
/// <param name="WindowMs">Length of the sliding window of the error rate.</param>
/// <param name="CoolDownMs">Time the circuit stays open before one probe request is let through; doubles each time the probe fails.</param>
/// <param name="MaxCoolDownMs">Upper bound of the growing cool-down.</param>
public sealed record BreakerSettings(int ConsecutiveFailures, double ErrorRate, int MinRequests, int WindowMs, int CoolDownMs, int MaxCoolDownMs)
{
    /// <summary>5 failures in a row, or half of at least 20 requests over 10 s; open 1 s at first, up to 30 s.</summary>
    public static BreakerSettings Default { get; } = new(5, 0.5, 20, 10_000, 1_000, 30_000);
}

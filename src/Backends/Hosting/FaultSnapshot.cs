namespace FastLb.Backends.Hosting;

/// <summary>The fault knobs in force, immutable; swapped as a whole by <see cref="FaultState"/>.</summary>
/// <param name="DelayMs">Fixed delay per /api request.</param>
/// <param name="JitterMs">Uniform extra delay bound.</param>
/// <param name="ErrorRate">Fraction of /api requests answered 500.</param>
/// <param name="Capacity">Concurrent /api requests served, 0 = unlimited.</param>
/// <param name="Status">Forced health status (healthy, degraded, unhealthy) or null to compute it.</param>
internal sealed record FaultSnapshot(int DelayMs, int JitterMs, double ErrorRate, int Capacity, string? Status)
{
    /// <summary>Status of the injected errors (500 unless set, any 5xx).</summary>
    public int ErrorStatus { get; init; } = 500;
}

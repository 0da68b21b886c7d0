namespace FastLb.Load;

/// <summary>What a run has done so far, and its latency since the previous snapshot.</summary>
/// <param name="ElapsedS">Seconds since the run started.</param>
/// <param name="Sent">Requests started.</param>
/// <param name="Finished">Requests finished, any outcome.</param>
/// <param name="Errors">5xx responses, timeouts, transport failures and dropped requests.</param>
/// <param name="InFlight">Requests started and not finished.</param>
/// <param name="IntervalRps">Requests finished per second since the previous snapshot.</param>
/// <param name="IntervalP50Ms">Median latency since the previous snapshot, ms (0 when none).</param>
/// <param name="IntervalP99Ms">99th percentile since the previous snapshot, ms (0 when none).</param>
public readonly record struct LoadProgress(double ElapsedS, long Sent, long Finished, long Errors, long InFlight, double IntervalRps, double IntervalP50Ms, double IntervalP99Ms);

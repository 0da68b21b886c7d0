namespace FastLb.Load;

/// <summary>One finished request: when it was meant to start (seconds from the run's start), how long it took from then, and how it ended.</summary>
/// <param name="IntendedS">Intended send time, seconds after the run started (open loop: the schedule's slot; closed loop: the actual send).</param>
/// <param name="LatencyUs">Microseconds from the intended send time to the end of the response (or the failure).</param>
/// <param name="Status">HTTP status, 0 when no response came.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Label">The request source's name for the kind of request, or null.</param>
public readonly record struct LoadSample(double IntendedS, long LatencyUs, int Status, LoadOutcome Outcome, string? Label);

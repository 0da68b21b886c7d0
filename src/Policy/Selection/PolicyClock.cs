using System.Runtime.CompilerServices;

namespace FastLb.Policy.Selection;

/// <summary>"Now" for a pick or a report, from the request's own timestamp when it has one, else from the pool's clock.</summary>
/// <remarks>
/// A clock read (<c>TimeProvider.System.GetTimestamp</c>) costs about 35 ns on the 2-core
/// development VM (bench/RESULTS.md), more than the rest of a pick. The proxy already stamps every request when its head
/// is parsed (<see cref="RequestFeatures.Timestamp"/>, from the same <see cref="TimeProvider"/> the
/// pool's <see cref="PolicyContext.Time"/> is), so a pick uses that stamp, and a report uses the
/// stamp plus the request's latency, which is when it ended. A request without a stamp (0) costs
/// one clock read.
/// </remarks>
internal sealed class PolicyClock
{
    private readonly TimeProvider _time;
    private readonly double _ticksPerMs;

    /// <summary>Wraps <paramref name="time"/>.</summary>
    public PolicyClock(TimeProvider time)
    {
        _time = time;
        _ticksPerMs = time.TimestampFrequency / 1000.0;
    }

    /// <summary>Timestamp ticks per second.</summary>
    public long Frequency => _time.TimestampFrequency;

    /// <summary>Now, read from the clock.</summary>
    public long Now() => _time.GetTimestamp();

    /// <summary>Now, for a pick of <paramref name="request"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long AtPick(in RequestFeatures request) => request.Timestamp != 0 ? request.Timestamp : _time.GetTimestamp();

    /// <summary>Now, for the report of <paramref name="request"/> that ended with <paramref name="outcome"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long AtReport(in RequestFeatures request, in RequestOutcome outcome)
        => request.Timestamp != 0 ? request.Timestamp + (long)(Math.Max(outcome.LatencyMs, 0) * _ticksPerMs) : _time.GetTimestamp();
}

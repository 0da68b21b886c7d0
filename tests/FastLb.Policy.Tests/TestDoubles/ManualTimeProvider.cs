namespace FastLb.Policy.Tests.TestDoubles;

/// <summary>A clock that moves only when a test advances it.</summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private long _ticks = 1_000_000;

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override long GetTimestamp() => Volatile.Read(ref _ticks);

    /// <summary>Moves the clock forward.</summary>
    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

    /// <summary>Moves the clock forward by <paramref name="milliseconds"/>.</summary>
    public void AdvanceMs(double milliseconds) => Advance(TimeSpan.FromMilliseconds(milliseconds));
}

namespace FastLb.Proxy.Tests.Infrastructure;

/// <summary>A clock that moves only when a test advances it: timestamps and wall-clock time move together.</summary>
/// <remarks>Timers still run on real time (the base class's); deadlines compare against this clock, so none expires unless advanced.</remarks>
public sealed class ManualClock : TimeProvider
{
    private long _ticks;
    private readonly DateTimeOffset _start;

    /// <summary>Starts at <paramref name="start"/> (now when null).</summary>
    public ManualClock(DateTimeOffset? start = null) => _start = start ?? DateTimeOffset.UtcNow;

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override long GetTimestamp() => 1_000_000 + Volatile.Read(ref _ticks);

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => _start.AddTicks(Volatile.Read(ref _ticks));

    /// <summary>Moves the clock forward.</summary>
    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

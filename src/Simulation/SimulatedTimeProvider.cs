namespace FastLb.Simulation;

/// <summary>A clock that reports simulated time, so that policies built with it (<see cref="PolicyContext.Time"/>) live in the simulation.</summary>
/// <remarks>
/// Timestamps tick in nanoseconds of simulated time. Timers made by <see cref="CreateTimer"/> are
/// events of the simulation: their callbacks run on the simulator's thread, in simulated time,
/// between requests. A policy may therefore refresh tables from a timer. It must not await
/// <c>Task.Delay</c> on this clock: the continuation would run on the thread pool, racing the
/// simulation, and the run would no longer be deterministic.
/// </remarks>
internal sealed class SimulatedTimeProvider : TimeProvider
{
    /// <summary>Simulated time zero, as wall-clock time (2026-01-01 UTC), for <see cref="GetUtcNow"/> and the request log.</summary>
    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private const long Frequency = 1_000_000_000;

    private readonly EventQueue _events;
    private readonly List<SimulatedTimer> _timers = [];

    /// <summary>Creates a clock at time zero whose timers are scheduled in <paramref name="events"/>.</summary>
    public SimulatedTimeProvider(EventQueue events)
    {
        _events = events;
    }

    /// <summary>Simulated seconds since the start; only the simulator moves it, forward.</summary>
    public double NowSeconds { get; private set; }

    /// <inheritdoc />
    public override long TimestampFrequency => Frequency;

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <inheritdoc />
    public override long GetTimestamp() => (long)(NowSeconds * Frequency);

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => Epoch.AddTicks((long)(NowSeconds * TimeSpan.TicksPerSecond));

    /// <summary>Milliseconds since the Unix epoch now, for the request log.</summary>
    public long UnixMs => Epoch.ToUnixTimeMilliseconds() + (long)(NowSeconds * 1000);

    /// <summary>Moves the clock to <paramref name="seconds"/>; never backwards.</summary>
    public void Advance(double seconds)
    {
        if (seconds > NowSeconds)
        {
            NowSeconds = seconds;
        }
    }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new SimulatedTimer(this, _timers.Count, callback, state);
        _timers.Add(timer);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Runs the timer event <paramref name="id"/> of generation <paramref name="generation"/>, unless it was changed or disposed since.</summary>
    public void Fire(int id, int generation) => _timers[id].Fire(generation);

    /// <summary>Schedules a firing of timer <paramref name="id"/>, <paramref name="delay"/> from now.</summary>
    internal void Schedule(int id, int generation, TimeSpan delay) =>
        _events.Push(NowSeconds + Math.Max(0, delay.TotalSeconds), SimEventKind.Timer, id, generation);
}

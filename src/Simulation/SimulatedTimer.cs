namespace FastLb.Simulation;

/// <summary>A timer of <see cref="SimulatedTimeProvider"/>: fires as an event of the simulation.</summary>
/// <remarks>A generation number invalidates firings already queued when the timer is changed or disposed.</remarks>
internal sealed class SimulatedTimer : ITimer
{
    private readonly SimulatedTimeProvider _clock;
    private readonly int _id;
    private readonly TimerCallback _callback;
    private readonly object? _state;
    private int _generation;
    private TimeSpan _period = Timeout.InfiniteTimeSpan;
    private bool _disposed;

    /// <summary>Creates a timer that is not scheduled yet.</summary>
    public SimulatedTimer(SimulatedTimeProvider clock, int id, TimerCallback callback, object? state)
    {
        _clock = clock;
        _id = id;
        _callback = callback;
        _state = state;
    }

    /// <inheritdoc />
    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        if (_disposed)
        {
            return false;
        }

        _generation++;
        _period = period;
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            _clock.Schedule(_id, _generation, dueTime);
        }

        return true;
    }

    /// <summary>Runs the callback if <paramref name="generation"/> is current, and schedules the next period.</summary>
    public void Fire(int generation)
    {
        if (_disposed || generation != _generation)
        {
            return;
        }

        // A zero or infinite period means one-shot (as System.Threading.Timer).
        if (_period != Timeout.InfiniteTimeSpan && _period > TimeSpan.Zero)
        {
            _clock.Schedule(_id, _generation, _period);
        }

        _callback(_state);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _disposed = true;
        _generation++;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}

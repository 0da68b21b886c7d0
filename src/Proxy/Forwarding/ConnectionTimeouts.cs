using System.Collections.Concurrent;

namespace FastLb.Proxy.Forwarding;

/// <summary>One heartbeat that expires connection deadlines, so arming a timeout is a plain write, not a timer.</summary>
/// <remarks>
/// A per-request CancellationTokenSource timer would take the runtime's timer-queue lock on every
/// arm and disarm. As Kestrel does, each connection instead publishes a deadline and one timer
/// checks all of them four times a second; a timeout fires up to 250 ms late, which is fine
/// for limits measured in seconds.
/// </remarks>
internal sealed class ConnectionTimeouts : IDisposable
{
    private readonly ConcurrentDictionary<ITimeoutTarget, byte> _targets = new();
    private readonly TimeProvider _time;
    private readonly ITimer _timer;

    /// <summary>Starts the heartbeat.</summary>
    public ConnectionTimeouts(TimeProvider time)
    {
        _time = time;
        _timer = time.CreateTimer(static state => ((ConnectionTimeouts)state!).Tick(), this, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(250));
    }

    /// <summary>Connections registered now.</summary>
    public ICollection<ITimeoutTarget> Targets => _targets.Keys;

    /// <summary>Starts watching <paramref name="target"/>.</summary>
    public void Add(ITimeoutTarget target) => _targets.TryAdd(target, 0);

    /// <summary>Stops watching <paramref name="target"/>.</summary>
    public void Remove(ITimeoutTarget target) => _targets.TryRemove(target, out _);

    private void Tick()
    {
        long now = _time.GetTimestamp();
        foreach (ITimeoutTarget target in _targets.Keys)
        {
            target.CheckDeadline(now);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _timer.Dispose();
}

/// <summary>Something with a deadline the heartbeat checks: a client connection.</summary>
internal interface ITimeoutTarget
{
    /// <summary>Called by the heartbeat; expires the deadline when <paramref name="now"/> is past it.</summary>
    void CheckDeadline(long now);

    /// <summary>Asks the connection to finish its current request and close (shutdown).</summary>
    void Drain();
}

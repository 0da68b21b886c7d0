namespace FastLb.Backends.Hosting;

/// <summary>Runtime fault knobs of one instance, changed by <c>PUT /admin/faults</c>; thread-safe.</summary>
internal sealed class FaultState
{
    private readonly Random _random;
    private readonly Lock _randomLock = new();
    private volatile Holder _current;

    /// <summary>Starts with the knobs from the command line.</summary>
    public FaultState(FaultSnapshot initial, int seed)
    {
        _random = new Random(seed);
        _current = new Holder(initial, Gate(initial.Capacity));
    }

    /// <summary>The knobs in force.</summary>
    public FaultSnapshot Current => _current.Snapshot;

    /// <summary>Requests waiting for a capacity slot.</summary>
    public int Queued => Volatile.Read(ref _queued);

    private int _queued;

    /// <summary>Publishes new knobs; requests already holding a slot release it to the gate they took it from.</summary>
    public void Set(FaultSnapshot snapshot)
    {
        Holder old = _current;
        _current = new Holder(snapshot, old.Snapshot.Capacity == snapshot.Capacity ? old.Gate : Gate(snapshot.Capacity));
    }

    /// <summary>Waits for a capacity slot; returns the gate to release (null when unlimited).</summary>
    public async ValueTask<SemaphoreSlim?> EnterAsync(CancellationToken cancellationToken)
    {
        SemaphoreSlim? gate = _current.Gate;
        if (gate is null) return null;
        if (gate.Wait(0)) return gate;
        Interlocked.Increment(ref _queued);
        try
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _queued);
        }

        return gate;
    }

    /// <summary>The delay to add to one request, jitter drawn from the instance's generator.</summary>
    public int NextDelayMs(FaultSnapshot snapshot)
    {
        if (snapshot.JitterMs == 0) return snapshot.DelayMs;
        lock (_randomLock) return snapshot.DelayMs + _random.Next(snapshot.JitterMs + 1);
    }

    /// <summary>Whether this request should fail, drawn from the instance's generator.</summary>
    public bool NextIsError(FaultSnapshot snapshot)
    {
        if (snapshot.ErrorRate <= 0) return false;
        if (snapshot.ErrorRate >= 1) return true;
        lock (_randomLock) return _random.NextDouble() < snapshot.ErrorRate;
    }

    private static SemaphoreSlim? Gate(int capacity) => capacity > 0 ? new SemaphoreSlim(capacity, capacity) : null;

    private sealed record Holder(FaultSnapshot Snapshot, SemaphoreSlim? Gate);
}

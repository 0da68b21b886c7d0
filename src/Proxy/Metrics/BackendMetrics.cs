namespace FastLb.Proxy.Metrics;

/// <summary>Counters of one backend in one pool; every update is a single interlocked add.</summary>
internal sealed class BackendMetrics
{
    private readonly long[] _byStatusClass = new long[StatusClass.Count];
    private long _connectionsOpened;
    private long _connectionsReused;
    private long _connectFailures;

    /// <summary>Counts an ended request by its status (0 when no response came back).</summary>
    public void CountRequest(int status) => Interlocked.Increment(ref _byStatusClass[StatusClass.Of(status)]);

    /// <summary>Counts a new upstream connection.</summary>
    public void CountOpened() => Interlocked.Increment(ref _connectionsOpened);

    /// <summary>Counts a request sent on a pooled connection.</summary>
    public void CountReused() => Interlocked.Increment(ref _connectionsReused);

    /// <summary>Counts a failed connect.</summary>
    public void CountConnectFailure() => Interlocked.Increment(ref _connectFailures);

    /// <summary>Requests ended with a status in class <paramref name="statusClass"/>.</summary>
    public long Requests(int statusClass) => Volatile.Read(ref _byStatusClass[statusClass]);

    /// <summary>Upstream connections opened.</summary>
    public long ConnectionsOpened => Volatile.Read(ref _connectionsOpened);

    /// <summary>Requests sent on a reused upstream connection.</summary>
    public long ConnectionsReused => Volatile.Read(ref _connectionsReused);

    /// <summary>Failed connects.</summary>
    public long ConnectFailures => Volatile.Read(ref _connectFailures);
}

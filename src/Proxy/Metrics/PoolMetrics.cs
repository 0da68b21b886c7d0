namespace FastLb.Proxy.Metrics;

/// <summary>Counters of one pool that are not per backend; every update is a single interlocked add.</summary>
/// <remarks>
/// A config reload may build the pool a new <see cref="FastLb.Policy.Balancer"/>, whose own counts
/// start again; these counters pass from pool to pool by name (like its <see cref="LatencyHistogram"/>),
/// so the series never go backwards.
/// </remarks>
internal sealed class PoolMetrics
{
    private long _shed;
    private long _retries;
    private readonly long[] _timeouts = new long[3];

    /// <summary>Counts a request the policy shed (<see cref="FastLb.Policy.IRoutingPolicy.Shed"/>).</summary>
    public void CountShed() => Interlocked.Increment(ref _shed);

    /// <summary>Requests the policy shed since start.</summary>
    public long Shed => Volatile.Read(ref _shed);

    /// <summary>Counts a retry: a failed attempt sent again by <see cref="FastLb.Policy.RetryRule"/>.</summary>
    public void CountRetry() => Interlocked.Increment(ref _retries);

    /// <summary>Retries since start.</summary>
    public long Retries => Volatile.Read(ref _retries);

    private long _hedges;
    private long _hedgesWon;

    /// <summary>Counts a second copy sent (a hedge).</summary>
    public void CountHedge() => Interlocked.Increment(ref _hedges);

    /// <summary>Counts a hedge whose copy answered first.</summary>
    public void CountHedgeWon() => Interlocked.Increment(ref _hedgesWon);

    /// <summary>Hedges sent since start.</summary>
    public long Hedges => Volatile.Read(ref _hedges);

    /// <summary>Hedges whose copy answered first, since start.</summary>
    public long HedgesWon => Volatile.Read(ref _hedgesWon);

    /// <summary>The timeout kinds, in the order of <see cref="TimeoutKind"/>, as <c>/metrics</c> labels them.</summary>
    public static readonly string[] TimeoutKinds = ["connect", "response_head", "total"];

    /// <summary>Counts a timeout of <paramref name="kind"/>.</summary>
    public void CountTimeout(TimeoutKind kind) => Interlocked.Increment(ref _timeouts[(int)kind]);

    /// <summary>Timeouts of <paramref name="kind"/> since start.</summary>
    public long Timeouts(TimeoutKind kind) => Volatile.Read(ref _timeouts[(int)kind]);
}

/// <summary>Which timeout ran out.</summary>
internal enum TimeoutKind
{
    /// <summary>Connecting to a backend (502 when no retry is left).</summary>
    Connect,

    /// <summary>Waiting for a backend's response head (504 when no retry is left).</summary>
    ResponseHead,

    /// <summary>The request's total time (504 before the response head, the connection closed after).</summary>
    Total,
}

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

    /// <summary>Counts a request the policy shed (<see cref="FastLb.Policy.IRoutingPolicy.Shed"/>).</summary>
    public void CountShed() => Interlocked.Increment(ref _shed);

    /// <summary>Requests the policy shed since start.</summary>
    public long Shed => Volatile.Read(ref _shed);

    /// <summary>Counts a retry: a failed attempt sent again by <see cref="FastLb.Policy.RetryRule"/>.</summary>
    public void CountRetry() => Interlocked.Increment(ref _retries);

    /// <summary>Retries since start.</summary>
    public long Retries => Volatile.Read(ref _retries);
}

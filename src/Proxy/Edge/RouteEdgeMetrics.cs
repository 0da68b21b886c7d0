namespace FastLb.Proxy.Edge;

/// <summary>Counters of one route's edge checks; kept across reloads by route, like a backend's counters.</summary>
internal sealed class RouteEdgeMetrics
{
    private readonly long[] _rateLimited = new long[2];
    private readonly long[] _authRejected = new long[Enum.GetValues<AuthFailure>().Length];

    /// <summary>Counts a request refused by the bucket of <paramref name="scope"/>.</summary>
    public void CountRateLimited(RateLimitScope scope) => Interlocked.Increment(ref _rateLimited[(int)scope]);

    /// <summary>Counts a request refused by the JWT check for <paramref name="failure"/>.</summary>
    public void CountAuthRejected(AuthFailure failure) => Interlocked.Increment(ref _authRejected[(int)failure]);

    /// <summary>Requests refused by the bucket of <paramref name="scope"/>.</summary>
    public long RateLimited(RateLimitScope scope) => Volatile.Read(ref _rateLimited[(int)scope]);

    /// <summary>Requests refused by the JWT check for <paramref name="failure"/>.</summary>
    public long AuthRejected(AuthFailure failure) => Volatile.Read(ref _authRejected[(int)failure]);
}

using FastLb.Proxy.Configuration;

namespace FastLb.Proxy.Edge;

/// <summary>A route's rate limits: a bucket per client address and one for the route, checked in that order.</summary>
/// <remarks>Kept across a reload that leaves the route's <c>rateLimit</c> as it was, so a reload neither
/// refills nor empties the buckets.</remarks>
internal sealed class RateLimiter
{
    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly double _microsPerTick;

    /// <summary>Makes the buckets of <paramref name="config"/> on the clock of <paramref name="time"/>.</summary>
    public RateLimiter(RateLimitConfig config, TimeProvider time)
    {
        Config = config;
        _time = time;
        _origin = time.GetTimestamp();
        _microsPerTick = 1_000_000.0 / time.TimestampFrequency;
        Clients = config.PerClient is null ? null : new ClientBucketTable(config.PerClient, config.ClientSlots);
        Route = config.Route is null ? null : new SharedBucket(config.Route);
    }

    /// <summary>The limits these buckets were made for.</summary>
    public RateLimitConfig Config { get; }

    /// <summary>The per-client buckets; null when the route limits no client.</summary>
    public ClientBucketTable? Clients { get; }

    /// <summary>The route's bucket; null when the route as a whole is not limited.</summary>
    public SharedBucket? Route { get; }

    /// <summary>Takes a token for a request of the client hashed <paramref name="clientHash"/>, timestamped <paramref name="timestamp"/> (<see cref="TimeProvider.GetTimestamp"/>).</summary>
    /// <param name="retryAfterSeconds">When refused: whole seconds until the refusing bucket has a token, at least 1 (the <c>Retry-After</c> value).</param>
    /// <param name="scope">When refused: which bucket refused.</param>
    /// <returns>True when the request may go on.</returns>
    /// <remarks>Hot path: guarded by RateLimiterBenchmarks. A token taken from the client's bucket is not
    /// given back when the route's bucket then refuses: the client is charged for a request it made.</remarks>
    public bool TryAcquire(ulong clientHash, long timestamp, out int retryAfterSeconds, out RateLimitScope scope)
    {
        long now = Micros(timestamp);
        long wait;
        if (Clients is { } clients && !clients.TryTake(clientHash, now, out wait))
        {
            scope = RateLimitScope.Client;
        }
        else if (Route is { } route && !route.TryTake(now, out wait))
        {
            scope = RateLimitScope.Route;
        }
        else
        {
            retryAfterSeconds = 0;
            scope = default;
            return true;
        }

        // RFC 9110 10.2.3: delay-seconds, rounded up so that a client that waits finds its token.
        retryAfterSeconds = (int)Math.Min(int.MaxValue, Math.Max(1, (wait + 999_999) / 1_000_000));
        return false;
    }

    /// <summary>Microseconds on the limiter's clock at <paramref name="timestamp"/>; starts near 1 so that 0 stays "never used".</summary>
    public long Micros(long timestamp) => 1 + (long)((timestamp - _origin) * _microsPerTick);

    /// <summary>Microseconds on the limiter's clock now.</summary>
    public long Now => Micros(_time.GetTimestamp());
}

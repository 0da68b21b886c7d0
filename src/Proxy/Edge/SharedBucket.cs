using FastLb.Proxy.Configuration;

namespace FastLb.Proxy.Edge;

/// <summary>One token bucket shared by every request of a route, updated with compare-and-swap.</summary>
internal sealed class SharedBucket(TokenBucketConfig config)
{
    private readonly TokenBucket _bucket = new(config);
    private long _full;

    /// <summary>The bucket's shape.</summary>
    public TokenBucket Bucket => _bucket;

    /// <summary>Takes a token at <paramref name="now"/> (microseconds on the limiter's clock).</summary>
    /// <remarks>Hot path: guarded by RateLimiterBenchmarks. Every request of the route updates this one
    /// field; a failed compare-and-swap means another request took a token meanwhile, and the loop
    /// retries with the new value.</remarks>
    public bool TryTake(long now, out long waitMicros)
    {
        while (true)
        {
            long full = Volatile.Read(ref _full);
            if (!_bucket.TryTake(full, now, out long next, out waitMicros))
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _full, next, full) == full)
            {
                return true;
            }
        }
    }

    /// <summary>Tokens held at <paramref name="now"/>.</summary>
    public double TokensAt(long now) => _bucket.TokensAt(Volatile.Read(ref _full), now);
}

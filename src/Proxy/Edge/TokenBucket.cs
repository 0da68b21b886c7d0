using FastLb.Proxy.Configuration;

namespace FastLb.Proxy.Edge;

/// <summary>The arithmetic of one token bucket, kept as a single number so that one compare-and-swap updates it.</summary>
/// <remarks>
/// <para>This is the virtual-time form of a token bucket (the generic cell rate algorithm): instead of
/// a token count and a refill time, a bucket keeps <c>full</c>, the moment at which it will hold
/// <see cref="Burst"/> tokens again if nothing more is taken. At time <c>now</c> it holds
/// <c>Burst - (full - now) / Interval</c> tokens (all of them when <c>full &lt;= now</c>); taking one
/// moves <c>full</c> one <see cref="Interval"/> later. A take is allowed while the bucket holds a
/// whole token, that is while <c>max(full, now) + Interval - now &lt;= Burst * Interval</c>; when it is
/// refused, the next token arrives <c>max(full, now) + Interval - now - Burst * Interval</c> later.</para>
/// <para>Times are microseconds since the limiter was made (the caller's clock); one microsecond is the
/// finest interval, so the validator caps the rate at a million a second.</para>
/// </remarks>
internal readonly struct TokenBucket
{
    /// <summary>Makes the bucket of <paramref name="config"/>.</summary>
    public TokenBucket(TokenBucketConfig config)
    {
        Interval = Math.Max(1L, (long)Math.Round(1_000_000 / config.Rate));
        Burst = config.Burst;
        Capacity = Interval * config.Burst;
    }

    /// <summary>Microseconds between two tokens.</summary>
    public long Interval { get; }

    /// <summary>Tokens the bucket holds when full.</summary>
    public int Burst { get; }

    /// <summary><see cref="Burst"/> intervals: how far ahead of now <c>full</c> may be after a take.</summary>
    public long Capacity { get; }

    /// <summary>Takes one token from a bucket whose <c>full</c> time is <paramref name="full"/>, at <paramref name="now"/>.</summary>
    /// <param name="full">When the bucket is full again (0 or any time not after <paramref name="now"/>: full now).</param>
    /// <param name="now">Microseconds on the limiter's clock.</param>
    /// <param name="next">The bucket's new <c>full</c> time when allowed; unchanged when refused.</param>
    /// <param name="waitMicros">When refused, microseconds until the next token; 0 when allowed.</param>
    /// <returns>True when a token was there.</returns>
    public bool TryTake(long full, long now, out long next, out long waitMicros)
    {
        long after = Math.Max(full, now) + Interval;
        long over = after - now - Capacity;
        if (over > 0)
        {
            next = full;
            waitMicros = over;
            return false;
        }

        next = after;
        waitMicros = 0;
        return true;
    }

    /// <summary>Tokens the bucket whose <c>full</c> time is <paramref name="full"/> holds at <paramref name="now"/> (fractional).</summary>
    public double TokensAt(long full, long now) => full <= now ? Burst : Burst - ((double)(full - now) / Interval);
}

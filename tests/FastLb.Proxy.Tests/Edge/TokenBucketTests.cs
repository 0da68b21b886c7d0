using FastLb.Proxy.Configuration;
using FastLb.Proxy.Edge;

namespace FastLb.Proxy.Tests.Edge;

public sealed class TokenBucketTests
{
    private const long Second = 1_000_000;

    [Fact]
    public void TryTake_FullBucket_AllowsBurstThenRefusesUntilTheNextToken()
    {
        var bucket = new TokenBucket(new TokenBucketConfig(Rate: 2, Burst: 3));
        long full = 0;
        long now = 10 * Second;

        for (int i = 0; i < 3; i++)
        {
            Assert.True(bucket.TryTake(full, now, out full, out long wait));
            Assert.Equal(0, wait);
        }

        Assert.False(bucket.TryTake(full, now, out long unchanged, out long waitMicros));
        Assert.Equal(full, unchanged);
        Assert.Equal(Second / 2, waitMicros);
        Assert.Equal(0, bucket.TokensAt(full, now), 6);
    }

    [Fact]
    public void TryTake_RefillsAtTheRate_NeverAboveTheBurst()
    {
        var bucket = new TokenBucket(new TokenBucketConfig(Rate: 4, Burst: 2));
        long full = 0;
        long now = Second;
        Assert.True(bucket.TryTake(full, now, out full, out _));
        Assert.True(bucket.TryTake(full, now, out full, out _));
        Assert.False(bucket.TryTake(full, now, out _, out long wait));
        Assert.Equal(Second / 4, wait);

        // A quarter second later one token is back, and only one.
        now += Second / 4;
        Assert.Equal(1, bucket.TokensAt(full, now), 6);
        Assert.True(bucket.TryTake(full, now, out full, out _));
        Assert.False(bucket.TryTake(full, now, out _, out _));

        // An hour of quiet fills the bucket to its burst, no further.
        now += 3600 * Second;
        Assert.Equal(2, bucket.TokensAt(full, now), 6);
        Assert.True(bucket.TryTake(full, now, out full, out _));
        Assert.True(bucket.TryTake(full, now, out full, out _));
        Assert.False(bucket.TryTake(full, now, out _, out _));
    }

    [Fact]
    public void TryTake_FractionalRate_WaitIsTheWholeInterval()
    {
        var bucket = new TokenBucket(new TokenBucketConfig(Rate: 0.2, Burst: 1));
        Assert.Equal(5 * Second, bucket.Interval);
        Assert.True(bucket.TryTake(0, Second, out long full, out _));

        Assert.False(bucket.TryTake(full, Second, out _, out long wait));
        Assert.Equal(5 * Second, wait);
        Assert.False(bucket.TryTake(full, 3 * Second, out _, out wait));
        Assert.Equal(3 * Second, wait);
        Assert.True(bucket.TryTake(full, 6 * Second, out _, out _));
    }

    [Fact]
    public void RateLimiter_RetryAfter_RoundsUpToWholeSecondsAndNamesTheScope()
    {
        var clock = new Infrastructure.ManualClock();
        var limiter = new RateLimiter(new RateLimitConfig(new TokenBucketConfig(0.4, 1), new TokenBucketConfig(100, 2), 64), clock);
        long now = clock.GetTimestamp();

        Assert.True(limiter.TryAcquire(1, now, out _, out _));
        Assert.False(limiter.TryAcquire(1, now, out int retryAfter, out RateLimitScope scope));
        Assert.Equal(RateLimitScope.Client, scope);
        Assert.Equal(3, retryAfter); // 2.5 s to the next token, rounded up

        Assert.True(limiter.TryAcquire(2, now, out _, out _));
        Assert.False(limiter.TryAcquire(3, now, out retryAfter, out scope));
        Assert.Equal(RateLimitScope.Route, scope);
        Assert.Equal(1, retryAfter); // 10 ms to the route's next token: at least one second
    }
}

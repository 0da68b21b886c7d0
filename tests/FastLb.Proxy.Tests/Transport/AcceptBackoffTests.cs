using FastLb.Proxy.Transport;

namespace FastLb.Proxy.Tests.Transport;

public sealed class AcceptBackoffTests
{
    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }

    [Fact]
    public void Fail_DoublesFromTenMillisecondsUpToOneSecond()
    {
        var backoff = new AcceptBackoff(new ManualTime());
        var delays = new List<double>();
        for (int i = 0; i < 10; i++)
        {
            delays.Add(backoff.Fail(out _).Delay.TotalMilliseconds);
        }

        Assert.Equal([10, 20, 40, 80, 160, 320, 640, 1000, 1000, 1000], delays);
    }

    [Fact]
    public void Succeed_ResetsTheDelay()
    {
        var backoff = new AcceptBackoff(new ManualTime());
        backoff.Fail(out _);
        backoff.Fail(out _);
        backoff.Fail(out _);

        backoff.Succeed();

        Assert.Equal(TimeSpan.FromMilliseconds(10), backoff.Fail(out _).Delay);
        Assert.Equal(TimeSpan.FromMilliseconds(20), backoff.Fail(out _).Delay);
    }

    [Fact]
    public void Fail_LogsOncePerIntervalWithTheSuppressedCount()
    {
        var time = new ManualTime();
        var backoff = new AcceptBackoff(time);

        Assert.True(backoff.Fail(out long first).Log);
        Assert.Equal(0, first);
        for (int i = 0; i < 5; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            Assert.False(backoff.Fail(out long none).Log);
            Assert.Equal(0, none);
        }

        time.Advance(TimeSpan.FromSeconds(5)); // 10 s since the first line
        Assert.True(backoff.Fail(out long suppressed).Log);
        Assert.Equal(5, suppressed);

        time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(backoff.Fail(out _).Log);
    }

    [Fact]
    public void Fail_SuccessDoesNotResetTheLogInterval()
    {
        var time = new ManualTime();
        var backoff = new AcceptBackoff(time);
        Assert.True(backoff.Fail(out _).Log);

        backoff.Succeed();
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.False(backoff.Fail(out _).Log);
    }
}

using FastLb.Policy.Selection;
using FastLb.Policy.Tests.TestDoubles;

namespace FastLb.Policy.Tests.Selection;

public sealed class PolicyClockTests
{
    [Fact]
    public void AtPick_StampedRequest_UsesStampWithoutClock()
    {
        var time = new ManualTimeProvider();
        var clock = new PolicyClock(time);
        RequestFeatures request = RequestFeatures.Empty;
        request.Timestamp = 12345;
        Assert.Equal(12345, clock.AtPick(request));
        request.Timestamp = 0;
        Assert.Equal(time.GetTimestamp(), clock.AtPick(request));
    }

    [Fact]
    public void AtReport_StampedRequest_StampPlusLatency()
    {
        var time = new ManualTimeProvider();
        var clock = new PolicyClock(time);
        RequestFeatures request = RequestFeatures.Empty;
        request.Timestamp = 1_000_000;

        // ManualTimeProvider ticks are 100 ns: 25 ms is 250,000 ticks.
        Assert.Equal(1_250_000, clock.AtReport(request, Pools.Ok(25)));
        request.Timestamp = 0;
        time.AdvanceMs(3);
        Assert.Equal(time.GetTimestamp(), clock.AtReport(request, Pools.Ok(25)));
    }
}

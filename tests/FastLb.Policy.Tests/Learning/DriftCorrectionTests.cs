using FastLb.Policy.Learning;
using FastLb.Policy.Tests.TestDoubles;

namespace FastLb.Policy.Tests.Learning;

public sealed class DriftCorrectionTests
{
    [Fact]
    public void Observe_ErrorsStayZero_FlushedToExactZeroNotSubnormal()
    {
        var time = new ManualTimeProvider();
        var correction = new DriftCorrection(1, time, 0.1, 10);
        correction.Observe(0, 50, time.GetTimestamp());
        for (int i = 0; i < 10_000; i++)
        {
            correction.Observe(0, 0, time.GetTimestamp());
        }

        Assert.Equal(0.0, correction.ValueMs(0, time.GetTimestamp()));
    }

    [Fact]
    public void Observe_AfterGap_SampleWeighsMoreThanRate()
    {
        var time = new ManualTimeProvider();
        var steady = new DriftCorrection(1, time, 0.1, 10);
        steady.Observe(0, 100, time.GetTimestamp());
        Assert.Equal(10, steady.ValueMs(0, time.GetTimestamp()), 9);

        // 10 s later (one decay constant): the old value has decayed to 1/e and the new sample
        // weighs 1 - 1/e.
        time.Advance(TimeSpan.FromSeconds(10));
        steady.Observe(0, 100, time.GetTimestamp());
        double keep = Math.Exp(-1);
        Assert.Equal((10 * keep) + ((1 - keep) * (100 - (10 * keep))), steady.ValueMs(0, time.GetTimestamp()), 9);
    }
}

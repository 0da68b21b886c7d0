using FastLb.Policy.Selection;

namespace FastLb.Policy.Tests.Selection;

public sealed class SplitMix64RandomTests
{
    [Fact]
    public void NextUInt64_FourThreads_NoValueTwice()
    {
        var random = new SplitMix64Random(9);

        ConcurrentDraws.AssertAllDistinct(random.NextUInt64);
    }

    [Fact]
    public void NextInt_ManyDraws_InRangeAndSpread()
    {
        var random = new SplitMix64Random(10);
        var counts = new int[7];
        for (int i = 0; i < 70_000; i++)
        {
            counts[random.NextInt(7)]++;
        }

        Assert.All(counts, c => Assert.InRange(c, 9_500, 10_500));
    }

    [Fact]
    public void NextDouble_ManyDraws_InUnitInterval()
    {
        var random = new SplitMix64Random(11);
        double sum = 0;
        for (int i = 0; i < 10_000; i++)
        {
            double value = random.NextDouble();
            Assert.InRange(value, 0, 0.9999999999);
            sum += value;
        }

        Assert.InRange(sum / 10_000, 0.49, 0.51);
    }
}


namespace FastLb.Simulation.Tests;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Percentile_Lognormal_WithinATenthOfAPercentOfExact()
    {
        var histogram = new LatencyHistogram();
        var random = new SimRandom(3);
        var values = new double[200_000];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = 20 * Math.Exp(-0.35 + (0.83 * random.NextNormal()));
            histogram.Record(values[i]);
        }

        Array.Sort(values);
        foreach (double q in new[] { 0.5, 0.9, 0.99, 0.999 })
        {
            double exact = values[(int)Math.Ceiling(q * values.Length) - 1];
            Assert.InRange(histogram.Percentile(q), exact * 0.999, exact * 1.001);
        }

        Assert.Equal(values[^1], histogram.MaxMs);
        Assert.Equal(values.Average(), histogram.MeanMs, 6);
    }

    [Fact]
    public void Add_TwoHalves_EqualsOneWhole()
    {
        var whole = new LatencyHistogram();
        var first = new LatencyHistogram();
        var second = new LatencyHistogram();
        for (int i = 1; i <= 1000; i++)
        {
            whole.Record(i);
            (i % 2 == 0 ? first : second).Record(i);
        }

        first.Add(second);

        Assert.Equal(whole.Count, first.Count);
        Assert.Equal(whole.Percentile(0.99), first.Percentile(0.99));
        Assert.Equal(1000, first.MaxMs);
        Assert.Equal(0, new LatencyHistogram().Percentile(0.5));
    }
}

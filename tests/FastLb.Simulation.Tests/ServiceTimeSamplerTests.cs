
namespace FastLb.Simulation.Tests;

public sealed class ServiceTimeSamplerTests
{
    private static (double Mean, double Cv, double Max) Moments(ServiceTimeSpec spec, int n)
    {
        var sampler = new ServiceTimeSampler(spec);
        var random = new SimRandom(42);
        double sum = 0, sumSquares = 0, max = 0;
        for (int i = 0; i < n; i++)
        {
            double x = sampler.Next(random);
            sum += x;
            sumSquares += x * x;
            max = Math.Max(max, x);
        }

        double mean = sum / n;
        return (mean, Math.Sqrt((sumSquares / n) - (mean * mean)) / mean, max);
    }

    [Fact]
    public void Next_LognormalCv1_HasUnitMeanAndCv1()
    {
        (double mean, double cv, _) = Moments(new ServiceTimeSpec { Distribution = ServiceDistribution.Lognormal, MeanMs = 20, Cv = 1 }, 2_000_000);
        Assert.InRange(mean, 0.99, 1.01);
        Assert.InRange(cv, 0.95, 1.05);
    }

    [Fact]
    public void Next_Exponential_HasUnitMeanAndCv1()
    {
        (double mean, double cv, _) = Moments(new ServiceTimeSpec { Distribution = ServiceDistribution.Exponential, MeanMs = 20 }, 1_000_000);
        Assert.InRange(mean, 0.99, 1.01);
        Assert.InRange(cv, 0.98, 1.02);
    }

    [Fact]
    public void Next_ParetoCut_TruncatedMeanIsOneAndNothingAboveTheCut()
    {
        // S6: alpha 1.5, mean 20 ms, cut at 1 s = 50 means.
        (double mean, _, double max) = Moments(new ServiceTimeSpec { Distribution = ServiceDistribution.Pareto, MeanMs = 20, Alpha = 1.5, CutMs = 1000 }, 2_000_000);
        Assert.InRange(mean, 0.98, 1.02);
        Assert.True(max <= 50);
        Assert.InRange(max, 40, 50);
    }

    [Fact]
    public void SolveParetoScale_Cut_GivesUnitTruncatedMean()
    {
        double xm = ServiceTimeSampler.SolveParetoScale(1.5, 50);
        Assert.Equal(1.0, ServiceTimeSampler.TruncatedParetoMean(1.5, xm, 50), 9);
        Assert.Equal(1.0 / 3, ServiceTimeSampler.SolveParetoScale(1.5, double.PositiveInfinity), 12);
    }
}

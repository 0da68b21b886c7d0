using FastLb.Policy.Prediction;

namespace FastLb.Policy.Tests.Prediction;

public sealed class RegressionMetricsTests
{
    [Fact]
    public void Compute_KnownErrors_ExpectedValues()
    {
        float[] actual = [1, 2, 3, 4, 5];
        double[] predicted = [2, 2, 3, 4, 9]; // errors 1, 0, 0, 0, 4

        var metrics = RegressionMetrics.Compute(actual, predicted);

        Assert.Equal(Math.Sqrt(17.0 / 5), metrics.RmseMs, 1e-12);
        Assert.Equal(1.0, metrics.MaeMs, 1e-12);
        Assert.Equal(1 - (17.0 / 10), metrics.R2, 1e-12);
        Assert.Equal(0.0, metrics.P50AbsErrorMs, 1e-12);
        Assert.Equal(2.8, metrics.P90AbsErrorMs, 1e-12); // numpy: between 1 and 4 at 0.6
    }

    [Fact]
    public void Compute_Perfect_R2One()
    {
        var metrics = RegressionMetrics.Compute([3f, 7f], [3.0, 7.0]);

        Assert.Equal(0, metrics.RmseMs);
        Assert.Equal(1, metrics.R2);
    }
}

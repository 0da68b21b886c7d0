using FastLb.Policy.Learning;

namespace FastLb.Policy.Tests.Learning;

public sealed class PredictionTableSnapshotTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(3, 3)]
    [InlineData(5, 5)]
    [InlineData(40, 40)]
    [InlineData(64, 64)]
    [InlineData(100, 100)]
    public void Predict_LinearPoints_InterpolatesExactly(int inFlight, double expected)
    {
        var backend = new BackendState("a");
        var values = new double[PredictionTableSnapshot.Points];
        for (int p = 0; p < values.Length; p++)
        {
            values[p] = PredictionTableSnapshot.InFlightAt(p);
        }

        var table = new PredictionTableSnapshot([backend], 1, values, 0);
        Assert.Equal(expected, table.Predict(0, backend, 0, inFlight), 9);
    }

    [Fact]
    public void Predict_OtherBackendAtIndex_NaN()
    {
        var table = new PredictionTableSnapshot([new BackendState("a")], 1, new double[PredictionTableSnapshot.Points], 0);
        Assert.True(double.IsNaN(table.Predict(0, new BackendState("a"), 0, 1)));
        Assert.True(double.IsNaN(table.Predict(1, new BackendState("b"), 0, 1)));
    }
}

using FastLb.Policy.Learning;
using FastLb.Policy.Tests.TestDoubles;

namespace FastLb.Policy.Tests.Learning;

public sealed class LoadLevelsTests
{
    [Theory]
    [InlineData(10, 1, 20, LoadLevel.Low)]
    [InlineData(50, 1, 20, LoadLevel.Medium)]
    [InlineData(80, 1, 20, LoadLevel.High)]
    [InlineData(10, 5, 20, LoadLevel.Medium)]
    [InlineData(10, 10, 20, LoadLevel.High)]
    [InlineData(10, 1, 100, LoadLevel.Medium)]
    [InlineData(10, 1, 200, LoadLevel.High)]
    public void Of_HealthReport_HighestSignalWins(double cpu, int active, double avgMs, LoadLevel expected)
    {
        var backend = new BackendState("a");
        backend.SetHealth(new HealthReport(HealthStatus.Healthy, cpu, active, avgMs, 1));
        Assert.Equal(expected, LoadLevels.Of(backend));
    }

    [Fact]
    public void Of_NoHealthReport_UsesInFlightAndEwmaLatency()
    {
        var backend = new BackendState("a");
        Assert.Equal(LoadLevel.Low, LoadLevels.Of(backend));
        backend.OnStarted();
        backend.OnEnded(Pools.Ok(150));
        Assert.Equal(LoadLevel.Medium, LoadLevels.Of(backend));

        var busy = new BackendState("b");
        for (int i = 0; i < 10; i++)
        {
            busy.OnStarted();
        }

        Assert.Equal(LoadLevel.High, LoadLevels.Of(busy));
    }

    [Theory]
    [InlineData(0, 4, LoadLevel.Low)]
    [InlineData(20, 4, LoadLevel.Medium)]
    [InlineData(40, 4, LoadLevel.High)]
    [InlineData(40, 0, LoadLevel.Low)]
    public void OfPool_MeanInFlight_Thresholds(int poolInFlight, int backends, LoadLevel expected)
        => Assert.Equal(expected, LoadLevels.OfPool(poolInFlight, backends));
}

using FastLb.Policy;

namespace FastLb.Simulation.Tests;

public sealed class ScenarioRunnerTests
{
    [Fact]
    public void Run_ThreeSeeds_MergesCountsAndKeepsEachSeedsP99()
    {
        Scenario scenario = SimTestScenarios.Load("S3");
        var template = new SimulationOptions { WarmupS = 2, DurationS = 100 };
        var progress = new List<double>();

        SimulationResult merged = ScenarioRunner.Run(scenario, SimTestScenarios.Policy(PolicyNames.LeastConnections), 5, 3, template, progress.Add);
        SimulationResult[] single = [.. Enumerable.Range(5, 3).Select(seed => new Simulator(scenario, SimTestScenarios.Policy(PolicyNames.LeastConnections),
            new SimulationOptions { Seed = (ulong)seed, WarmupS = 2, DurationS = 100 }).Run())];

        Assert.Equal([5UL, 6UL, 7UL], merged.Seeds);
        Assert.Equal(single.Sum(r => r.Requests), merged.Requests);
        Assert.Equal(single.Sum(r => r.Latency.Count), merged.Latency.Count);
        Assert.Equal(single.Select(r => r.Latency.Percentile(0.99)), merged.P99BySeed);
        Assert.Equal(3, merged.Watches[0].DivertS.Count);
        Assert.Equal(300, merged.MeasuredSeconds, 6);
        Assert.Equal(1.0, progress[^1]);
        Assert.True(progress.SequenceEqual(progress.Order()));
    }
}

using System.Text.Json;
using FastLb.Policy;

namespace FastLb.Simulation.Tests;

public sealed class SimulationJsonTests
{
    private static ScenarioReport Report(string scenarioName, params string[] policies)
    {
        Scenario scenario = SimTestScenarios.Load(scenarioName);
        var report = new ScenarioReport(scenario, 1, 1, 5, 60, null);
        foreach (string policy in policies)
        {
            report.Results.Add(new Simulator(scenario, SimTestScenarios.Policy(policy), new SimulationOptions { Seed = 1, WarmupS = 5, DurationS = 60 }).Run());
        }

        report.Skipped.Add(("fastlb", "not implemented yet"));
        return report;
    }

    private static JsonDocument Write(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            write(writer);
        }

        return JsonDocument.Parse(stream.ToArray());
    }

    [Fact]
    public void WriteScenario_Result_HasEveryDesignField()
    {
        ScenarioReport report = Report("S1", PolicyNames.RoundRobin, PolicyNames.LeastConnections);

        using JsonDocument doc = Write(w => SimulationJson.WriteScenario(w, report));

        JsonElement root = doc.RootElement;
        Assert.Equal("S1-homogeneous", root.GetProperty("scenario").GetString());
        Assert.Equal(report.Results[0].Requests, root.GetProperty("requests").GetInt64());
        Assert.Equal(1, root.GetProperty("seed").GetInt64());
        JsonElement[] results = root.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal(["round_robin", "least_connections"], results.Select(r => r.GetProperty("policy").GetString()));
        foreach (JsonElement result in results)
        {
            foreach (string name in new[] { "p50_ms", "p95_ms", "p99_ms", "p999_ms", "mean_ms", "throughput_rps", "error_rate" })
            {
                Assert.Equal(JsonValueKind.Number, result.GetProperty(name).ValueKind);
            }

            double shares = result.GetProperty("share").EnumerateObject().Sum(p => p.Value.GetDouble());
            Assert.Equal(1.0, shares, 3);
            Assert.Equal(10, result.GetProperty("share").EnumerateObject().Count());
            Assert.Equal(3, result.GetProperty("steps").GetArrayLength());
        }

        Assert.True(results[0].GetProperty("p99_ms").GetDouble() > results[0].GetProperty("p50_ms").GetDouble());
        Assert.Equal("fastlb", root.GetProperty("skipped")[0].GetProperty("policy").GetString());
    }

    [Fact]
    public void WriteAll_TwoScenarios_WrapsThemInScenarios()
    {
        ScenarioReport s1 = Report("S1", PolicyNames.RoundRobin);
        ScenarioReport s3 = Report("S3", PolicyNames.RoundRobin);

        using JsonDocument doc = Write(w => SimulationJson.WriteAll(w, [s1, s3]));

        JsonElement[] scenarios = doc.RootElement.GetProperty("scenarios").EnumerateArray().ToArray();
        Assert.Equal(["S1-homogeneous", "S3-degradation"], scenarios.Select(s => s.GetProperty("scenario").GetString()));
        Assert.Equal(JsonValueKind.Array, scenarios[1].GetProperty("results")[0].GetProperty("watch").ValueKind);
    }
}

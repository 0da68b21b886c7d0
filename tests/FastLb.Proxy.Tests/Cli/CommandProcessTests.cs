using System.Text.Json;
using FastLb.Proxy.Tests.Infrastructure;

namespace FastLb.Proxy.Tests.Cli;

public sealed class CommandProcessTests
{
    [Fact]
    public async Task Sim_Json_PrintsDesignDocumentOnly()
    {
        (int exitCode, string stdout, _) = await FastLbProcess.RunToEndAsync(
            "sim", "--scenario", "S1", "--policies", "round_robin,least_connections", "--duration", "30s", "--warmup", "5s", "--seed", "3", "--json");

        Assert.Equal(0, exitCode);
        using JsonDocument doc = JsonDocument.Parse(stdout);
        JsonElement results = doc.RootElement.GetProperty("results");
        Assert.Equal(2, results.GetArrayLength());
        foreach (JsonElement result in results.EnumerateArray())
        {
            foreach (string field in new[] { "policy", "p50_ms", "p95_ms", "p99_ms", "p999_ms", "mean_ms", "throughput_rps", "error_rate", "share" })
            {
                Assert.True(result.TryGetProperty(field, out _), $"missing {field}");
            }
        }

        Assert.Equal(3, doc.RootElement.GetProperty("seed").GetInt64());
    }

    [Theory]
    [InlineData("joint")]
    [InlineData("per-backend")]
    public async Task Sim_QEncoding_RunsQLearningWithThatEncoding(string encoding)
    {
        string file = FindUp(Path.Combine("scenarios", "q-learning", "Q8-heterogeneous.json"));
        (int exitCode, string stdout, string stderr) = await FastLbProcess.RunToEndAsync(
            "sim", "--scenario-file", file, "--policies", "q_learning", "--q-encoding", encoding, "--duration", "20s", "--warmup", "2s", "--json");

        Assert.True(exitCode == 0, stderr);
        using JsonDocument doc = JsonDocument.Parse(stdout);
        JsonElement result = doc.RootElement.GetProperty("results")[0];
        Assert.Equal("q_learning", result.GetProperty("policy").GetString());
        Assert.Equal(8, result.GetProperty("share").EnumerateObject().Count());
        Assert.True(result.GetProperty("throughput_rps").GetDouble() > 0);
    }

    [Fact]
    public async Task Sim_NoShed_FastLbShedsOnlyWithTheDeadline()
    {
        // S5's ramp squeezed into 100 s still ends overloaded: with the scenario's deadline fastlb
        // sheds, with --no-shed it does not, and the JSON says so in shed and shed_rate.
        string model = FindUp(Path.Combine("models", "latency.model"));
        string[] args = ["sim", "--scenario", "S5", "--policies", "fastlb", "--model", model, "--duration", "100s", "--warmup", "5s", "--json"];

        (int exitCode, string stdout, string stderr) = await FastLbProcess.RunToEndAsync(args);
        (int noShedExit, string noShedOut, string noShedErr) = await FastLbProcess.RunToEndAsync([.. args, "--no-shed"]);

        Assert.True(exitCode == 0, stderr);
        Assert.True(noShedExit == 0, noShedErr);
        using JsonDocument shedding = JsonDocument.Parse(stdout);
        using JsonDocument queueing = JsonDocument.Parse(noShedOut);
        JsonElement withDeadline = shedding.RootElement.GetProperty("results")[0];
        JsonElement without = queueing.RootElement.GetProperty("results")[0];
        Assert.True(withDeadline.GetProperty("shed").GetInt64() > 0, "fastlb shed nothing with the deadline");
        Assert.True(withDeadline.GetProperty("shed_rate").GetDouble() > 0);
        Assert.Equal(0, without.GetProperty("shed").GetInt64());
        Assert.Equal(0, without.GetProperty("shed_rate").GetDouble());
    }

    [Theory]
    [InlineData("sim", "--scenario", "S99")]
    [InlineData("sim", "--scenario", "S1", "--policies", "telepathy")]
    [InlineData("sim", "--scenario", "S1", "--policies", "q_learning", "--q-encoding", "joint")]
    [InlineData("sim", "--scenario", "S1", "--policies", "q_learning", "--q-encoding", "tabular")]
    [InlineData("sim", "--scenario", "S1", "--model", "/nonexistent/latency.model")]
    [InlineData("train", "--logs", "/nonexistent/requests.csv", "--out", "/tmp/never.model")]
    [InlineData("backend", "warehouse", "--port", "0")]
    [InlineData("demo", "--rate", "5000")]
    [InlineData("demo", "--duration", "5s")]
    [InlineData("load", "--url", "http://127.0.0.1:9/", "--duration", "2s")]
    [InlineData("load", "--url", "ftp://127.0.0.1:9/", "--rate", "10", "--duration", "2s")]
    [InlineData("load", "--url", "http://127.0.0.1:9/", "--rate", "10", "--duration", "2s", "--mix", "/nonexistent/mix.json")]
    [InlineData("run", "--listen", "127.0.0.1:0", "--backend", "127.0.0.1:9", "--policy", "telepathy")]
    public async Task BadUsage_Exit2WithMessage(params string[] args)
    {
        (int exitCode, string stdout, string stderr) = await FastLbProcess.RunToEndAsync(args);

        Assert.Equal(2, exitCode);
        Assert.False(string.IsNullOrWhiteSpace(stderr), "no message on stderr");
        Assert.True(string.IsNullOrWhiteSpace(stdout) || !stdout.TrimStart().StartsWith('{'), "a JSON document on a usage error");
    }

    [Fact]
    public async Task Train_OnSimulatedLog_WritesModelAndJsonDocument()
    {
        string folder = Directory.CreateTempSubdirectory("fastlb-train-").FullName;
        try
        {
            string log = Path.Combine(folder, "sim.csv");
            string model = Path.Combine(folder, "latency.model");
            (int simExit, _, string simErr) = await FastLbProcess.RunToEndAsync(
                "sim", "--scenario", "S2", "--policies", "round_robin", "--duration", "20s", "--warmup", "2s", "--log", log);
            Assert.True(simExit == 0, simErr);

            (int exitCode, string stdout, string stderr) = await FastLbProcess.RunToEndAsync(
                "train", "--logs", log, "--out", model, "--trees", "40", "--json");

            Assert.True(exitCode == 0, stderr);
            using JsonDocument doc = JsonDocument.Parse(stdout);
            Assert.True(doc.RootElement.GetProperty("records").GetInt64() > 1000);
            double rmse = doc.RootElement.GetProperty("rmse_ms").GetDouble();
            double globalMean = doc.RootElement.GetProperty("baselines").GetProperty("global_mean").GetProperty("rmse_ms").GetDouble();
            Assert.True(rmse < globalMean, $"model RMSE {rmse} not below the global-mean baseline {globalMean}");
            Assert.True(File.Exists(model));
            Assert.True(File.Exists(Path.ChangeExtension(model, ".report.md")) || Directory.GetFiles(folder, "*.report.md").Length == 1);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string FindUp(string relative)
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }
}

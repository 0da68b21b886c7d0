using System.Text.Json;
using FastLb.Policy.Prediction;

namespace FastLb.Training.Tests;

public sealed class LatencyTrainingJobTests
{
    [Fact]
    public void Run_LogFolder_WritesLoadableModelAndBothReports()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.File("logs"));
        SyntheticRequestLog.Write(folder.File("logs/a.csv"), 800, seed: 31);
        SyntheticRequestLog.Write(folder.File("logs/b.csv"), 800, seed: 32);
        string modelPath = folder.File("models/latency.model");
        var request = new LatencyTrainingRequest
        {
            Command = "fastlb train --logs logs --out models/latency.model",
            Logs = [folder.File("logs")],
            ModelPath = modelPath,
            Options = LatencyTrainerTests.SmallBudget with { Trees = 40 },
        };
        var stages = new List<string>();

        LatencyTrainingReport report = new LatencyTrainingJob(TimeProvider.System).Run(request, stages.Add);

        Assert.Equal(["reading request logs", "training", "writing the model and reports"], stages);
        Assert.Equal(1600, report.Lines);
        TreeLatencyModel loaded = LatencyModelFile.Parse(File.ReadAllBytes(modelPath), modelPath);
        Assert.Equal(report.Result.TreeCount, loaded.Trees.TreeCount);
        string markdown = File.ReadAllText(folder.File("models/latency.report.md"));
        Assert.Contains("fastlb train --logs logs --out models/latency.model", markdown);
        Assert.Contains("| per_backend_ewma |", markdown);
        using JsonDocument json = JsonDocument.Parse(File.ReadAllBytes(folder.File("models/latency.report.json")));
        Assert.Equal(1600, json.RootElement.GetProperty("records").GetInt64());
        Assert.Equal(modelPath, json.RootElement.GetProperty("model").GetString());
        Assert.Equal("latest 20% by ts_unix_ms", json.RootElement.GetProperty("split").GetString());
        Assert.StartsWith("ML.NET FastTree 6.", json.RootElement.GetProperty("trainer").GetString());
        Assert.Equal(40, json.RootElement.GetProperty("params").GetProperty("trees").GetInt32());
        Assert.True(json.RootElement.GetProperty("evaluator_max_abs_diff_ms").GetDouble() <= 1e-4);
    }

    [Fact]
    public void ToJson_Always_CarriesDesignTrainDocumentFields()
    {
        using var folder = new TempFolder();
        SyntheticRequestLog.Write(folder.File("log.csv"), 600, seed: 33);
        SyntheticRequestLog.Write(folder.File("later.csv"), 200, seed: 34);
        var request = new LatencyTrainingRequest
        {
            Command = "fastlb train",
            Logs = [folder.File("log.csv")],
            ValidationPath = folder.File("later.csv"),
            ModelPath = folder.File("m.model"),
            Options = LatencyTrainerTests.SmallBudget with { Trees = 20 },
        };

        var report = new LatencyTrainingJob(TimeProvider.System).Run(request);
        using JsonDocument json = JsonDocument.Parse(report.ToJson(indented: false));
        JsonElement root = json.RootElement;

        Assert.Equal(800, root.GetProperty("records").GetInt64());
        Assert.Equal(600, root.GetProperty("train_records").GetInt64());
        Assert.Equal(200, root.GetProperty("validation_records").GetInt64());
        foreach (string name in new[] { "seconds", "rmse_ms", "mae_ms", "r2" })
        {
            Assert.Equal(JsonValueKind.Number, root.GetProperty(name).ValueKind);
        }

        Assert.True(root.GetProperty("baselines").GetProperty("global_mean").GetProperty("rmse_ms").GetDouble() > 0);
        Assert.True(root.GetProperty("baselines").GetProperty("per_backend_mean").GetProperty("rmse_ms").GetDouble() > 0);
        Assert.Equal(folder.File("m.model"), root.GetProperty("model").GetString());
    }
}

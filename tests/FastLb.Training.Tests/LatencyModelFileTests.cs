using System.Text;
using System.Text.Json.Nodes;
using FastLb.Policy;
using FastLb.Policy.Prediction;

namespace FastLb.Training.Tests;

public sealed class LatencyModelFileTests
{
    private static LatencyTrainingResult TrainSmall()
    {
        var (train, validation, backends, routes) = LatencyTrainerTests.Synthetic(1200, seed: 21);
        return new LatencyTrainer(XGBoostLibrary.Load(), TimeProvider.System)
            .Train(train, validation, backends, routes, LatencyTrainerTests.SmallBudget with { Rounds = 30 });
    }

    [Fact]
    public void Load_WrittenModel_SameHeaderAndPredictions()
    {
        using var folder = new TempFolder();
        var result = TrainSmall();
        string path = folder.File("latency.model");

        LatencyModelWriter.Write(path, result.Model.Header, result.XGBoostJson);
        TreeLatencyModel loaded = LatencyModelFile.Parse(File.ReadAllBytes(path), path);

        Assert.Equal(result.Model.Header.Backends, loaded.Header.Backends);
        Assert.Equal(result.Model.Header.Routes, loaded.Header.Routes);
        Assert.Equal(result.Validation.RmseMs, loaded.Info.ValidationRmseMs, 1e-12);
        Assert.Equal(LatencyFeatures.Names, loaded.Info.Features);
        Assert.Equal(result.Model.Header.TrainedAt, loaded.Info.TrainedAt);
        Assert.Equal(result.Model.Trees.TreeCount, loaded.Trees.TreeCount);
        var backend = new BackendState(SyntheticRequestLog.Backends[2]);
        backend.OnStarted();
        var request = RequestFeatures.Empty;
        request.Method = RequestMethod.Post;
        Assert.Equal(result.Model.PredictMs(backend, "/api/orders", request), loaded.PredictMs(backend, "/api/orders", request));
    }

    [Fact]
    public void Load_OtherFeatureList_RefusedNamingBoth()
    {
        using var folder = new TempFolder();
        var result = TrainSmall();
        JsonNode file = JsonNode.Parse(LatencyModelFile.Serialize(result.Model.Header, result.XGBoostJson))!;
        file["features"]!.AsArray()[3] = "body_bytes";
        string path = folder.File("other.model");
        File.WriteAllText(path, file.ToJsonString());

        var e = Assert.Throws<LatencyModelException>(() => LatencyModelFile.Parse(File.ReadAllBytes(path), path));

        Assert.Contains("body_bytes", e.Message);
        Assert.Contains("req_bytes", e.Message);
        Assert.Contains("retrain", e.Message);
    }

    [Fact]
    public void Load_OtherFeatureVersion_Refused()
    {
        var result = TrainSmall();
        JsonNode file = JsonNode.Parse(LatencyModelFile.Serialize(result.Model.Header, result.XGBoostJson))!;
        file["feature_version"] = "fastlb-latency-features/0";

        var e = Assert.Throws<LatencyModelException>(() => LatencyModelFile.Parse(Encoding.UTF8.GetBytes(file.ToJsonString()), "m"));

        Assert.Contains("fastlb-latency-features/0", e.Message);
    }

    [Fact]
    public void Parse_NotAModel_RefusedWithReason()
    {
        var notJson = Assert.Throws<LatencyModelException>(() => LatencyModelFile.Parse("{oops"u8.ToArray(), "m"));
        var otherFormat = Assert.Throws<LatencyModelException>(() => LatencyModelFile.Parse("{\"format\":\"q-table\"}"u8.ToArray(), "m"));

        Assert.Contains("not a valid model file", notJson.Message);
        Assert.Contains("not a FastLb latency model", otherFormat.Message);
    }

    [Fact]
    public void PredictMs_ManyCalls_AllocatesNothing()
    {
        var model = TrainSmall().Model;
        var backend = new BackendState(SyntheticRequestLog.Backends[1]);
        backend.SetHealth(new HealthReport(HealthStatus.Healthy, 50, 3, 12, 0));
        var request = RequestFeatures.Empty;
        double sum = model.PredictMs(backend, "/api/cart", request);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            request.PoolInFlight = i % 30;
            sum += model.PredictMs(backend, "/api/cart", request);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(sum > 0);
    }
}

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
        return new LatencyTrainer(TimeProvider.System)
            .Train(train, validation, backends, routes, LatencyTrainerTests.SmallBudget with { Trees = 30 });
    }

    [Fact]
    public void Load_WrittenModel_SameHeaderAndPredictions()
    {
        using var folder = new TempFolder();
        var result = TrainSmall();
        string path = folder.File("latency.model");

        LatencyModelWriter.Write(path, result);
        TreeLatencyModel loaded = LatencyModelFile.Parse(File.ReadAllBytes(path), path);

        Assert.Equal(result.Model.Header.Backends, loaded.Header.Backends);
        Assert.Equal(result.Model.Header.Routes, loaded.Header.Routes);
        Assert.Equal(result.Validation.RmseMs, loaded.Info.ValidationRmseMs, 1e-12);
        Assert.Equal(LatencyFeatures.Names, loaded.Info.Features);
        Assert.Equal(result.Model.Header.TrainedAt, loaded.Info.TrainedAt);
        Assert.Equal(result.Model.Trees.TreeCount, loaded.Trees.TreeCount);
        Assert.Equal(LatencyTrainer.Name, loaded.Header.Trainer);
        Assert.StartsWith("ML.NET FastTree 6.", loaded.Header.Trainer);
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
        JsonNode file = JsonNode.Parse(LatencyModelFile.Serialize(result.Model.Header, result.Bias, result.Trees))!;
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
        JsonNode file = JsonNode.Parse(LatencyModelFile.Serialize(result.Model.Header, result.Bias, result.Trees))!;
        file["feature_version"] = "fastlb-latency-features/0";

        var e = Assert.Throws<LatencyModelException>(() => LatencyModelFile.Parse(Encoding.UTF8.GetBytes(file.ToJsonString()), "m"));

        Assert.Contains("fastlb-latency-features/0", e.Message);
    }

    [Fact]
    public void Load_WrittenModel_SamePredictionsAsTrainedOnManyRows()
    {
        var result = TrainSmall();
        TreeLatencyModel loaded = LatencyModelFile.Parse(LatencyModelFile.Serialize(result.Model.Header, result.Bias, result.Trees), "m");
        var random = new Random(8);
        var row = new float[LatencyFeatures.Count];

        for (int r = 0; r < 2000; r++)
        {
            for (int i = 0; i < row.Length; i++)
            {
                row[i] = random.NextDouble() < 0.2 ? float.NaN : (float)(random.NextDouble() * 100);
            }

            // Thresholds and leaf values go through JSON text and back: the same floats, so the same sums.
            Assert.Equal(result.Model.PredictMs(row), loaded.PredictMs(row));
        }
    }

    [Fact]
    public void Load_FormatVersion1FromXGBoost_LoadsAndPredictsAsXGBoost()
    {
        // The first three trees of the XGBoost-trained model shipped before the FastTree trainer.
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "xgboost-format1.model");

        TreeLatencyModel loaded = LatencyModelFile.Parse(File.ReadAllBytes(path), path);

        Assert.Equal("XGBoost 1.7.4", loaded.Header.Trainer);
        Assert.Equal(3, loaded.Trees.TreeCount);
        Assert.Equal(10, loaded.Backends.Count);

        // XGBoost 1.7's walk (left when value < split_conditions, NaN by default_left, float32 sum
        // from base_score 175.0025) over the fixture's trees gives these.
        float nan = float.NaN;
        Assert.Equal(133.1357421875, loaded.PredictMs([0, 0, 1, 0, 0, 10, 20, 0, nan, nan, nan]), 1e-4);
        Assert.Equal(170.46852111816406, loaded.PredictMs([3, 0, 3, 512, 4, 30, 150, 0.01f, 50, 3, 80]), 1e-4);
        Assert.Equal(310.7738037109375, loaded.PredictMs([9, nan, 1, nan, 12, 40, 600, 0.2f, 90, 10, 500]), 1e-4);
    }

    [Fact]
    public void Load_UnknownFormatVersion_RefusedSayingWhatIsRead()
    {
        var result = TrainSmall();
        JsonNode file = JsonNode.Parse(LatencyModelFile.Serialize(result.Model.Header, result.Bias, result.Trees))!;
        file["format_version"] = 3;

        var e = Assert.Throws<LatencyModelException>(() => LatencyModelFile.Parse(Encoding.UTF8.GetBytes(file.ToJsonString()), "m"));

        Assert.Contains("format version 3", e.Message);
        Assert.Contains("reads 1 and 2", e.Message);
        Assert.Contains("retrain", e.Message);
    }

    [Fact]
    public void Load_TreePointingOutside_RefusedWithReason()
    {
        var result = TrainSmall();
        JsonNode file = JsonNode.Parse(LatencyModelFile.Serialize(result.Model.Header, result.Bias, result.Trees))!;
        file["ensemble"]!["trees"]![0]!["left"]![0] = 999;

        var e = Assert.Throws<LatencyModelException>(() => LatencyModelFile.Parse(Encoding.UTF8.GetBytes(file.ToJsonString()), "m"));

        Assert.Contains("not a valid model file", e.Message);
        Assert.Contains("outside the tree", e.Message);
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

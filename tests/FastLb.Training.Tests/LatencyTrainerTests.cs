using FastLb.Policy;
using FastLb.Policy.Prediction;
using FastLb.RequestLog;

namespace FastLb.Training.Tests;

public sealed class LatencyTrainerTests
{
    internal static readonly LatencyTrainingOptions SmallBudget = new()
    {
        Trees = 150, Leaves = 31, LearningRate = 0.2, MinExamplesPerLeaf = 5, Threads = 1,
    };

    internal static (RequestLogData Train, RequestLogData Validation, FeatureVocabulary Backends, FeatureVocabulary Routes) Synthetic(int rows, int seed)
    {
        using var folder = new TempFolder();
        SyntheticRequestLog.Write(folder.File("log.csv"), rows, seed);
        var backends = new FeatureVocabulary();
        var routes = new FeatureVocabulary();
        var data = new RequestLogReader(backends, routes, true).Read([folder.File("log.csv")]).Data;
        var (train, validation) = data.SplitByTime(0.2);
        return (train, validation, backends, routes);
    }

    [Fact]
    public void Train_KnownFunctionPlusNoise_ValidationErrorNearNoise()
    {
        var (train, validation, backends, routes) = Synthetic(10000, seed: 11);
        var trainer = new LatencyTrainer(TimeProvider.System);

        var result = trainer.Train(train, validation, backends, routes, SmallBudget);

        // Noise has sigma 0.5 ms; the function spans about 10..120 ms.
        Assert.True(result.Validation.RmseMs < 2.0, $"rmse {result.Validation.RmseMs}");
        Assert.True(result.Validation.R2 > 0.99, $"r2 {result.Validation.R2}");
        double perBackend = result.Baselines.Single(b => b.Key == "per_backend_mean").Value.RmseMs;
        Assert.True(result.Validation.RmseMs < perBackend / 5, $"model {result.Validation.RmseMs} vs per-backend mean {perBackend}");
        Assert.Contains("inflight_backend", result.Importance.Take(3).Select(i => i.Key));
        Assert.True(result.Importance.Single(i => i.Key == "ewma_error_rate").Value < 0.02, "pure noise feature should carry almost no gain");
    }

    [Fact]
    public void Train_Always_ManagedEvaluatorMatchesMlNetOnValidation()
    {
        var (train, validation, backends, routes) = Synthetic(2000, seed: 12);
        var trainer = new LatencyTrainer(TimeProvider.System);

        var result = trainer.Train(train, validation, backends, routes, SmallBudget);

        Assert.True(result.EvaluatorMaxAbsDiffMs <= 1e-4, $"max diff {result.EvaluatorMaxAbsDiffMs}");
    }

    [Fact]
    public void Predict_ManyRowsWithMissingValues_MatchesMlNetTo1e4()
    {
        var (train, validation, backends, routes) = Synthetic(3000, seed: 13);
        var result = new LatencyTrainer(TimeProvider.System).Train(train, validation, backends, routes, SmallBudget);

        // Fresh rows over and beyond the training ranges, a quarter of the values missing, unknown categories included.
        var random = new Random(5);
        const int rows = 5000;
        var matrix = new float[rows * LatencyFeatures.Count];
        for (int i = 0; i < matrix.Length; i++)
        {
            matrix[i] = i % LatencyFeatures.Count switch
            {
                LatencyFeatures.Backend => random.Next(0, 6),
                LatencyFeatures.Route => random.Next(0, 4),
                LatencyFeatures.Method => random.Next(0, 8),
                _ => (float)(random.NextDouble() * 120),
            };
            if (random.NextDouble() < 0.25)
            {
                matrix[i] = float.NaN;
            }
        }

        double[] native = LatencyTrainer.PredictWithMlNet(result, matrix, rows);
        int withMissing = 0;
        var distinct = new HashSet<double>();
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = matrix.AsSpan(r * LatencyFeatures.Count, LatencyFeatures.Count);
            withMissing += ContainsNaN(row) ? 1 : 0;
            double managed = result.Model.PredictMs(row);
            distinct.Add(managed);
            Assert.True(Math.Abs(native[r] - managed) <= 1e-4, $"row {r}: ML.NET {native[r]}, managed {managed}");
        }

        Assert.True(withMissing > rows / 2);
        Assert.True(distinct.Count > rows / 10, $"only {distinct.Count} distinct predictions");
    }

    [Fact]
    public void Predict_RowsTogether_SameAsOneByOne()
    {
        var (train, validation, backends, routes) = Synthetic(3000, seed: 14);
        var result = new LatencyTrainer(TimeProvider.System).Train(train, validation, backends, routes, SmallBudget);
        TreeEnsemble trees = result.Model.Trees;
        var random = new Random(6);
        var matrix = new float[13 * LatencyFeatures.Count];
        for (int i = 0; i < matrix.Length; i++)
        {
            matrix[i] = random.NextDouble() < 0.2 ? float.NaN : i % LatencyFeatures.Count switch
            {
                LatencyFeatures.Backend => random.Next(0, 4),
                LatencyFeatures.Route => random.Next(0, 3),
                _ => (float)(random.NextDouble() * 60),
            };
        }

        // Every count from 0 to 13: groups of four in lockstep and the rest one by one.
        for (int count = 0; count <= 13; count++)
        {
            var together = new double[count];
            trees.Predict(matrix.AsSpan(0, count * LatencyFeatures.Count), together);
            for (int r = 0; r < count; r++)
            {
                Assert.Equal(trees.Predict(matrix.AsSpan(r * LatencyFeatures.Count, LatencyFeatures.Count)), together[r]);
            }
        }
    }

    [Fact]
    public void PredictMs_SeveralBackendStates_SameAsOneByOne()
    {
        var (train, validation, backends, routes) = Synthetic(3000, seed: 15);
        TreeLatencyModel model = new LatencyTrainer(TimeProvider.System).Train(train, validation, backends, routes, SmallBudget).Model;
        var states = new BackendState[11];
        for (int i = 0; i < states.Length; i++)
        {
            // Known and unknown backend ids, in-flight 0..10, some with a health report.
            states[i] = new BackendState(i < backends.Count ? backends.Values[i] : $"10.9.9.{i}:80");
            for (int k = 0; k < i; k++)
            {
                states[i].OnStarted();
            }

            if (i % 3 == 0)
            {
                states[i].SetHealth(new HealthReport(HealthStatus.Healthy, 10 * i, i, 20 + i, 1));
            }
        }

        RequestFeatures request = RequestFeatures.Empty;
        request.Method = RequestMethod.Get;
        request.PoolInFlight = 40;
        string? route = routes.Count > 0 ? routes.Values[0] : null;
        var together = new double[states.Length];
        ((ILatencyModel)model).PredictMs(states, route, request, together);

        for (int i = 0; i < states.Length; i++)
        {
            Assert.Equal(model.PredictMs(states[i], route, request), together[i]);
        }
    }

    [Fact]
    public void Train_EarlyStopping_StopsBeforeBudgetAndKeepsFewerTrees()
    {
        // A learning rate of 0.9 with leaves of one row overfits 1,500 rows within a few trees.
        var (train, validation, backends, routes) = Synthetic(1500, seed: 14);
        var options = SmallBudget with { Trees = 2000, LearningRate = 0.9, MinExamplesPerLeaf = 1, Leaves = 64, EarlyStopping = 0.01 };

        var result = new LatencyTrainer(TimeProvider.System).Train(train, validation, backends, routes, options);

        Assert.True(result.RoundsRun < 2000, $"grew {result.RoundsRun} trees");
        Assert.True(result.TreeCount < result.RoundsRun, $"kept {result.TreeCount} of {result.RoundsRun}");
        Assert.Equal(result.TreeCount, result.Model.Trees.TreeCount);
    }

    [Fact]
    public void Train_NoEarlyStopping_GrowsEveryTree()
    {
        var (train, validation, backends, routes) = Synthetic(1500, seed: 16);
        var options = SmallBudget with { Trees = 40, LearningRate = 0.9, MinExamplesPerLeaf = 1, EarlyStopping = 0 };

        var result = new LatencyTrainer(TimeProvider.System).Train(train, validation, backends, routes, options);

        Assert.Equal(40, result.RoundsRun);
        Assert.Equal(40, result.TreeCount);
    }

    [Fact]
    public void Baselines_EwmaColumn_UsedAsPrediction()
    {
        var train = new RequestLogData();
        var validation = new RequestLogData();
        var row = new float[LatencyFeatures.Count];
        row[LatencyFeatures.Backend] = 0;
        row[LatencyFeatures.EwmaLatencyMs] = 10;
        train.Add(row, 10, 0);
        train.Add(row, 30, 1);
        validation.Add(row, 10, 2);
        row[LatencyFeatures.EwmaLatencyMs] = 0; // no outcome yet: falls back to the backend's mean (20)
        validation.Add(row, 20, 3);

        var baselines = LatencyTrainer.Baselines(train, validation, backendCount: 1, globalMean: 20);

        Assert.Equal(["global_mean", "per_backend_mean", "per_backend_ewma"], baselines.Select(b => b.Key));
        Assert.Equal(0, baselines[2].Value.RmseMs, 1e-9);
        Assert.Equal(Math.Sqrt(50), baselines[0].Value.RmseMs, 1e-9);
    }

    private static bool ContainsNaN(ReadOnlySpan<float> row)
    {
        foreach (float value in row)
        {
            if (float.IsNaN(value))
            {
                return true;
            }
        }

        return false;
    }
}

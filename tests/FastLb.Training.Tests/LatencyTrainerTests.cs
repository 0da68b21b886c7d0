using FastLb.Policy;
using FastLb.Policy.Prediction;
using FastLb.RequestLog;

namespace FastLb.Training.Tests;

public sealed class LatencyTrainerTests
{
    internal static readonly LatencyTrainingOptions SmallBudget = new()
    {
        Rounds = 150, MaxDepth = 6, Eta = 0.2, EarlyStoppingRounds = 15, Threads = 1,
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
        var trainer = new LatencyTrainer(XGBoostLibrary.Load(), TimeProvider.System);

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
    public void Train_Always_ManagedEvaluatorMatchesXGBoostOnValidation()
    {
        var (train, validation, backends, routes) = Synthetic(2000, seed: 12);
        var trainer = new LatencyTrainer(XGBoostLibrary.Load(), TimeProvider.System);

        var result = trainer.Train(train, validation, backends, routes, SmallBudget);

        Assert.True(result.EvaluatorMaxAbsDiffMs <= 1e-4, $"max diff {result.EvaluatorMaxAbsDiffMs}");
    }

    [Fact]
    public void Predict_RowsWithMissingValues_MatchesXGBoostTo1e4()
    {
        var (train, validation, backends, routes) = Synthetic(3000, seed: 13);
        var xgboost = XGBoostLibrary.Load();
        var result = new LatencyTrainer(xgboost, TimeProvider.System).Train(train, validation, backends, routes, SmallBudget);

        // Fresh rows with a missing value in every feature in turn, unknown categories included.
        var random = new Random(5);
        const int rows = 500;
        var matrix = new float[rows * LatencyFeatures.Count];
        for (int i = 0; i < matrix.Length; i++)
        {
            matrix[i] = i % LatencyFeatures.Count switch
            {
                LatencyFeatures.Backend => random.Next(0, 4),
                LatencyFeatures.Route => random.Next(0, 3),
                LatencyFeatures.Method => random.Next(0, 8),
                _ => (float)(random.NextDouble() * 100),
            };
            if (random.NextDouble() < 0.25)
            {
                matrix[i] = float.NaN;
            }
        }

        float[] native = PredictNative(xgboost, result.XGBoostJson, matrix, rows);
        int withMissing = 0;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = matrix.AsSpan(r * LatencyFeatures.Count, LatencyFeatures.Count);
            withMissing += row.IndexOfAnyExcept(row[0]) >= 0 && ContainsNaN(row) ? 1 : 0;
            Assert.Equal(native[r], result.Model.PredictMs(row), 1e-4);
        }

        Assert.True(withMissing > rows / 2);
    }

    [Fact]
    public void Predict_RowsTogether_SameAsOneByOne()
    {
        var (train, validation, backends, routes) = Synthetic(3000, seed: 14);
        var result = new LatencyTrainer(XGBoostLibrary.Load(), TimeProvider.System).Train(train, validation, backends, routes, SmallBudget);
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
            var together = new float[count];
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
        TreeLatencyModel model = new LatencyTrainer(XGBoostLibrary.Load(), TimeProvider.System).Train(train, validation, backends, routes, SmallBudget).Model;
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
    public void Train_EarlyStopping_StopsBeforeBudgetAndKeepsBestRound()
    {
        var (train, validation, backends, routes) = Synthetic(1500, seed: 14);
        var progress = new List<LatencyTrainingProgress>();
        var options = SmallBudget with { Rounds = 2000, Eta = 0.5, EarlyStoppingRounds = 5 };

        var result = new LatencyTrainer(XGBoostLibrary.Load(), TimeProvider.System).Train(train, validation, backends, routes, options, progress.Add);

        Assert.True(result.RoundsRun < 2000);
        Assert.Equal(result.RoundsRun, progress.Count);
        Assert.Equal(progress[^1].BestRound, result.Trees);
        Assert.Equal(result.RoundsRun - 5, result.Trees);
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

    internal static float[] PredictNative(XGBoostLibrary xgboost, byte[] modelJson, float[] matrix, int rows)
    {
        nint dmatrix = xgboost.CreateMatrix(matrix, rows, LatencyFeatures.Count);
        nint booster = xgboost.CreateBooster([]);
        try
        {
            xgboost.LoadModel(booster, modelJson);
            return xgboost.Predict(booster, dmatrix);
        }
        finally
        {
            xgboost.FreeBooster(booster);
            xgboost.FreeMatrix(dmatrix);
        }
    }
}

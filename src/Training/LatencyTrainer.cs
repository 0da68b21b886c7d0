using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using FastLb.Policy.Prediction;
using FastLb.RequestLog;

namespace FastLb.Training;

/// <summary>Trains the latency model with XGBoost (hist, squared error, early stopping on validation RMSE) and scores it.</summary>
internal sealed class LatencyTrainer
{
    private readonly XGBoostLibrary _xgboost;
    private readonly TimeProvider _time;

    /// <summary>Creates a trainer on a loaded XGBoost.</summary>
    public LatencyTrainer(XGBoostLibrary xgboost, TimeProvider time)
    {
        _xgboost = xgboost;
        _time = time;
    }

    /// <summary>Trains on <paramref name="train"/>, stops early on <paramref name="validation"/>, and scores model and baselines there.</summary>
    /// <param name="train">Training rows.</param>
    /// <param name="validation">Validation rows (later in time than the training rows, or a separate file).</param>
    /// <param name="backends">Backend vocabulary the rows were coded with.</param>
    /// <param name="routes">Route vocabulary the rows were coded with.</param>
    /// <param name="options">Budget and tree shape.</param>
    /// <param name="progress">Told after every round, or null.</param>
    public LatencyTrainingResult Train(
        RequestLogData train,
        RequestLogData validation,
        FeatureVocabulary backends,
        FeatureVocabulary routes,
        LatencyTrainingOptions options,
        Action<LatencyTrainingProgress>? progress = null)
    {
        options.Validate();
        if (train.Count == 0 || validation.Count == 0)
        {
            throw new ArgumentException("training and validation both need rows");
        }

        long started = Stopwatch.GetTimestamp();
        const int f = LatencyFeatures.Count;
        double mean = Mean(train.LatencyMs.AsSpan(0, train.Count));
        nint trainMatrix = _xgboost.CreateMatrix(train.Features.AsSpan(0, train.Count * f), train.Count, f);
        nint validMatrix = 0;
        nint booster = 0;
        nint best = 0;
        try
        {
            _xgboost.SetLabels(trainMatrix, train.LatencyMs.AsSpan(0, train.Count));
            validMatrix = _xgboost.CreateMatrix(validation.Features.AsSpan(0, validation.Count * f), validation.Count, f);
            _xgboost.SetLabels(validMatrix, validation.LatencyMs.AsSpan(0, validation.Count));
            booster = _xgboost.CreateBooster([trainMatrix, validMatrix]);
            SetParameters(booster, options, mean);

            int bestRound = 0;
            double bestRmse = double.PositiveInfinity;
            int round = 0;
            while (round < options.Rounds)
            {
                _xgboost.UpdateOneIteration(booster, round, trainMatrix);
                double rmse = ParseRmse(_xgboost.EvaluateOneIteration(booster, round, validMatrix, "valid"));
                round++;
                if (rmse < bestRmse)
                {
                    bestRmse = rmse;
                    bestRound = round;
                }

                progress?.Invoke(new LatencyTrainingProgress(round, options.Rounds, rmse, bestRound, bestRmse));
                if (options.EarlyStoppingRounds > 0 && round - bestRound >= options.EarlyStoppingRounds)
                {
                    break;
                }
            }

            // Keep the best round's trees only, as XGBoost's own early stopping would.
            int keep = options.EarlyStoppingRounds > 0 ? bestRound : round;
            best = keep < round ? _xgboost.Slice(booster, 0, keep) : booster;
            byte[] json = _xgboost.SaveJson(best);
            float[] native = _xgboost.Predict(best, validMatrix);
            double trainSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

            TreeEnsemble trees;
            using (JsonDocument document = JsonDocument.Parse(json))
            {
                trees = TreeEnsemble.FromXGBoostJson(document.RootElement, f);
            }

            var predictions = new double[validation.Count];
            double maxDiff = 0;
            for (int i = 0; i < validation.Count; i++)
            {
                predictions[i] = trees.Predict(validation.Row(i));
                maxDiff = Math.Max(maxDiff, Math.Abs(predictions[i] - native[i]));
            }

            ReadOnlySpan<float> actual = validation.LatencyMs.AsSpan(0, validation.Count);
            RegressionMetrics metrics = RegressionMetrics.Compute(actual, predictions);
            var header = new LatencyModelHeader(
                LatencyFeatures.Version,
                LatencyFeatures.Names,
                [.. backends.Values],
                [.. routes.Values],
                _time.GetUtcNow(),
                metrics,
                train.Count,
                validation.Count,
                _xgboost.Version);
            return new LatencyTrainingResult(
                new TreeLatencyModel(header, trees),
                json,
                metrics,
                Baselines(train, validation, backends.Count, mean),
                Importance(trees),
                round,
                trees.TreeCount,
                trainSeconds,
                maxDiff);
        }
        finally
        {
            if (best != 0 && best != booster)
            {
                _xgboost.FreeBooster(best);
            }

            if (booster != 0)
            {
                _xgboost.FreeBooster(booster);
            }

            if (validMatrix != 0)
            {
                _xgboost.FreeMatrix(validMatrix);
            }

            _xgboost.FreeMatrix(trainMatrix);
        }
    }

    /// <summary>Validation metrics of the baselines a model must beat: global mean, per-backend mean, per-backend EWMA.</summary>
    public static IReadOnlyList<KeyValuePair<string, RegressionMetrics>> Baselines(
        RequestLogData train, RequestLogData validation, int backendCount, double globalMean)
    {
        var sums = new double[backendCount + 1];
        var counts = new long[backendCount + 1];
        for (int i = 0; i < train.Count; i++)
        {
            int slot = Slot(train.Row(i)[LatencyFeatures.Backend], backendCount);
            sums[slot] += train.LatencyMs[i];
            counts[slot]++;
        }

        var backendMean = new double[backendCount + 1];
        for (int b = 0; b <= backendCount; b++)
        {
            backendMean[b] = counts[b] > 0 ? sums[b] / counts[b] : globalMean;
        }

        int n = validation.Count;
        var global = new double[n];
        var perBackend = new double[n];
        var ewma = new double[n];
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> row = validation.Row(i);
            global[i] = globalMean;
            perBackend[i] = backendMean[Slot(row[LatencyFeatures.Backend], backendCount)];

            // 0 means the backend had no outcome yet when the request was picked: use its mean instead.
            float smoothed = row[LatencyFeatures.EwmaLatencyMs];
            ewma[i] = smoothed > 0 ? smoothed : perBackend[i];
        }

        ReadOnlySpan<float> actual = validation.LatencyMs.AsSpan(0, n);
        return
        [
            new("global_mean", RegressionMetrics.Compute(actual, global)),
            new("per_backend_mean", RegressionMetrics.Compute(actual, perBackend)),
            new("per_backend_ewma", RegressionMetrics.Compute(actual, ewma)),
        ];
    }

    private static int Slot(float code, int backendCount) =>
        float.IsNaN(code) || code < 0 || code >= backendCount ? backendCount : (int)code;

    private static IReadOnlyList<KeyValuePair<string, double>> Importance(TreeEnsemble trees)
    {
        double total = 0;
        foreach (double gain in trees.TotalGain)
        {
            total += gain;
        }

        var shares = new List<KeyValuePair<string, double>>(LatencyFeatures.Count);
        for (int i = 0; i < LatencyFeatures.Count; i++)
        {
            shares.Add(new(LatencyFeatures.Names[i], total > 0 ? trees.TotalGain[i] / total : 0));
        }

        shares.Sort((a, b) => b.Value.CompareTo(a.Value));
        return shares;
    }

    private void SetParameters(nint booster, LatencyTrainingOptions options, double mean)
    {
        int threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        _xgboost.SetParam(booster, "verbosity", "0");
        _xgboost.SetParam(booster, "tree_method", "hist");
        _xgboost.SetParam(booster, "objective", "reg:squarederror");
        _xgboost.SetParam(booster, "eval_metric", "rmse");
        _xgboost.SetParam(booster, "max_depth", options.MaxDepth.ToString(CultureInfo.InvariantCulture));
        _xgboost.SetParam(booster, "eta", options.Eta.ToString("R", CultureInfo.InvariantCulture));
        _xgboost.SetParam(booster, "max_bin", options.MaxBins.ToString(CultureInfo.InvariantCulture));
        _xgboost.SetParam(booster, "min_child_weight", options.MinChildWeight.ToString("R", CultureInfo.InvariantCulture));
        _xgboost.SetParam(booster, "lambda", options.Lambda.ToString("R", CultureInfo.InvariantCulture));
        _xgboost.SetParam(booster, "nthread", threads.ToString(CultureInfo.InvariantCulture));
        _xgboost.SetParam(booster, "seed", options.Seed.ToString(CultureInfo.InvariantCulture));

        // XGBoost 1.7 starts from 0.5 unless told; the mean saves the first rounds from climbing to it.
        _xgboost.SetParam(booster, "base_score", ((float)mean).ToString("R", CultureInfo.InvariantCulture));
    }

    private static double ParseRmse(string line)
    {
        // XGBoost prints "[round]\tvalid-rmse:12.345".
        const string key = "valid-rmse:";
        int at = line.IndexOf(key, StringComparison.Ordinal);
        if (at < 0)
        {
            throw new XGBoostException($"XGBoost evaluation line without {key}: '{line}'");
        }

        ReadOnlySpan<char> rest = line.AsSpan(at + key.Length);
        int end = rest.IndexOfAny('\t', ' ');
        return double.Parse(end < 0 ? rest : rest[..end], NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    private static double Mean(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (float value in values)
        {
            sum += value;
        }

        return sum / values.Length;
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using FastLb.Policy.Prediction;
using FastLb.RequestLog;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using FastTreeRegressionTree = Microsoft.ML.Trainers.FastTree.RegressionTree;
using RegressionMetrics = FastLb.Policy.Prediction.RegressionMetrics;
using RegressionTree = FastLb.Policy.Prediction.RegressionTree;

namespace FastLb.Training;

/// <summary>Trains the latency model with ML.NET FastTree (squared error, early stopping on the validation rows), exports its trees and scores them.</summary>
/// <remarks>
/// ML.NET trains; serving never sees it. The trained ensemble is exported into
/// <see cref="RegressionTree"/>s that the managed evaluator (<see cref="TreeEnsemble"/>) runs, and
/// the export is checked against ML.NET's own predictions on every validation row.
/// Two choices shape the export. Labels are trained around their mean, which becomes the bias:
/// FastTree starts from 0, and with the mean as the start the first trees fit residuals instead of
/// climbing to the mean, and their leaf values stay small enough that float32 storage loses nothing
/// that matters. Missing (NaN) features are trained as <see cref="MissingValue"/>, below every real
/// value of every feature (all are counts, sizes, times, rates or codes, so never negative): every
/// split sends them left, and the exported trees send NaN left.
/// </remarks>
internal sealed partial class LatencyTrainer
{
    /// <summary>What a missing (NaN) feature is trained as: below every real feature value.</summary>
    public const float MissingValue = -1;

    /// <summary>The trainer recorded in model files and reports.</summary>
    public static readonly string Name = "ML.NET FastTree " + PackageVersion();

    private readonly TimeProvider _time;

    /// <summary>Creates a trainer; <paramref name="time"/> stamps the model.</summary>
    public LatencyTrainer(TimeProvider time)
    {
        _time = time;
    }

    /// <summary>Trains on <paramref name="train"/>, stops early on <paramref name="validation"/>, and scores model and baselines there.</summary>
    /// <param name="train">Training rows.</param>
    /// <param name="validation">Validation rows (later in time than the training rows, or a separate file).</param>
    /// <param name="backends">Backend vocabulary the rows were coded with.</param>
    /// <param name="routes">Route vocabulary the rows were coded with.</param>
    /// <param name="options">Budget and tree shape.</param>
    public LatencyTrainingResult Train(
        RequestLogData train,
        RequestLogData validation,
        FeatureVocabulary backends,
        FeatureVocabulary routes,
        LatencyTrainingOptions options)
    {
        options.Validate();
        if (train.Count == 0 || validation.Count == 0)
        {
            throw new ArgumentException("training and validation both need rows");
        }

        long started = Stopwatch.GetTimestamp();
        double mean = Mean(train.LatencyMs.AsSpan(0, train.Count));
        var ml = new MLContext(seed: options.Seed);
        int grown = 0;
        ml.Log += (_, e) =>
        {
            // FastTree says how many trees it grew before early stopping only in its log.
            Match stopped = StoppedAt().Match(e.Message);
            if (stopped.Success)
            {
                grown = int.Parse(stopped.Groups[1].ValueSpan, CultureInfo.InvariantCulture);
            }
        };

        IDataView trainView = ml.Data.LoadFromEnumerable(Rows(train, mean));
        IDataView validView = ml.Data.LoadFromEnumerable(Rows(validation, mean));
        var fastTree = new FastTreeRegressionTrainer.Options
        {
            LabelColumnName = nameof(Row.Label),
            FeatureColumnName = nameof(Row.Features),
            NumberOfTrees = options.Trees,
            NumberOfLeaves = options.Leaves,
            LearningRate = options.LearningRate,
            MinimumExampleCountPerLeaf = options.MinExamplesPerLeaf,
            MaximumBinCountPerFeature = options.MaxBins,
            NumberOfThreads = options.Threads > 0 ? options.Threads : null,
            Seed = options.Seed,
            EarlyStoppingMetric = EarlyStoppingMetric.L2Norm,

            // FastTree bounds a tree's output at 100 by default, a bound meant for scores; labels
            // here are milliseconds, whose residuals can be larger, so there is no bound, as in
            // XGBoost's and scikit-learn's squared error. On the 1M-row bench log the bound left
            // the validation RMSE unchanged (49.041 ms either way).
            MaximumTreeOutput = double.PositiveInfinity,
        };
        if (options.EarlyStopping > 0)
        {
            // Setting the rule to null throws; leaving it unset grows every tree.
            fastTree.EarlyStoppingRule = new GeneralityLossRule((float)options.EarlyStopping);
        }
        var fitted = ml.Regression.Trainers.FastTree(fastTree).Fit(trainView, validView);
        TreeEnsemble<FastTreeRegressionTree> trained = fitted.Model.TrainedTreeEnsemble;
        double bias = mean + trained.Bias;
        RegressionTree[] trees = Export(trained);
        float[] native = [.. fitted.Transform(validView).GetColumn<float>("Score")];
        double trainSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        TreeEnsemble ensemble = TreeEnsemble.FromTrees(trees, bias, LatencyFeatures.Count);
        var predictions = new double[validation.Count];
        ensemble.Predict(validation.Features.AsSpan(0, validation.Count * LatencyFeatures.Count), predictions);
        double maxDiff = 0;
        for (int i = 0; i < validation.Count; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs(predictions[i] - (native[i] + mean)));
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
            Name);
        return new LatencyTrainingResult(
            new TreeLatencyModel(header, ensemble),
            bias,
            trees,
            metrics,
            Baselines(train, validation, backends.Count, mean),
            Importance(ensemble),
            Math.Max(grown, trees.Length),
            trees.Length,
            trainSeconds,
            maxDiff,
            fitted,
            mean);
    }

    /// <summary>What ML.NET's own model of <paramref name="result"/> predicts for <paramref name="count"/> rows of
    /// <see cref="LatencyFeatures.Count"/> features (NaN = missing), in ms: the reference the exported trees must equal.</summary>
    public static double[] PredictWithMlNet(LatencyTrainingResult result, ReadOnlySpan<float> rows, int count)
    {
        var data = new RequestLogData();
        for (int i = 0; i < count; i++)
        {
            data.Add(rows.Slice(i * LatencyFeatures.Count, LatencyFeatures.Count), 0, i);
        }

        var ml = new MLContext(seed: 1);
        IDataView scored = result.FastTreeModel.Transform(ml.Data.LoadFromEnumerable(Rows(data, 0)));
        return [.. scored.GetColumn<float>("Score").Select(score => score + result.LabelMean)];
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

    /// <summary>FastTree's trees in the model file's layout, each tree's weight folded into its leaf values.</summary>
    /// <exception cref="InvalidOperationException">A tree has a categorical split (features are never marked categorical, so this is a bug).</exception>
    internal static RegressionTree[] Export(TreeEnsemble<FastTreeRegressionTree> ensemble)
    {
        var trees = new RegressionTree[ensemble.Trees.Count];
        for (int t = 0; t < trees.Length; t++)
        {
            FastTreeRegressionTree tree = ensemble.Trees[t];
            double weight = ensemble.TreeWeights[t];
            int splits = tree.NumberOfNodes;
            foreach (bool categorical in tree.CategoricalSplitFlags)
            {
                if (categorical)
                {
                    throw new InvalidOperationException($"FastTree tree {t} has a categorical split; the exporter handles numeric splits only");
                }
            }

            var leaves = new double[splits + 1];
            for (int l = 0; l < leaves.Length; l++)
            {
                leaves[l] = tree.LeafValues.Count > l ? weight * tree.LeafValues[l] : 0;
            }

            trees[t] = new RegressionTree(
                [.. tree.NumericalSplitFeatureIndexes],
                [.. tree.NumericalSplitThresholds],
                [.. tree.LeftChild],
                [.. tree.RightChild],
                [.. tree.SplitGains],
                leaves);
        }

        return trees;
    }

    private static IEnumerable<Row> Rows(RequestLogData data, double mean)
    {
        // Lazily, one small array per row: ML.NET copies each row into its own binned dataset as it reads.
        float[] source = data.Features;
        for (int i = 0; i < data.Count; i++)
        {
            var features = new float[LatencyFeatures.Count];
            for (int f = 0; f < features.Length; f++)
            {
                float value = source[i * LatencyFeatures.Count + f];
                features[f] = float.IsNaN(value) ? MissingValue : value;
            }

            yield return new Row { Features = features, Label = (float)(data.LatencyMs[i] - mean) };
        }
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

    private static double Mean(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (float value in values)
        {
            sum += value;
        }

        return sum / values.Length;
    }

    private static string PackageVersion()
    {
        // ML.NET's assembly version stays 1.0.0; the informational version is the package's ("6.0.0+commit").
        string? version = typeof(FastTreeRegressionTrainer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return version is null ? "(unknown version)" : version.Split('+')[0];
    }

    [GeneratedRegex(@"stopped at (\d+) and iteration \d+ is picked")]
    private static partial Regex StoppedAt();

    /// <summary>One row as ML.NET reads it.</summary>
    private sealed class Row
    {
        /// <summary>The features, missing ones as <see cref="MissingValue"/>.</summary>
        [VectorType(LatencyFeatures.Count)]
        public float[] Features { get; set; } = [];

        /// <summary>Latency minus the training mean.</summary>
        public float Label { get; set; }
    }
}

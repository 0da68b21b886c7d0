using FastLb.Policy.Prediction;
using Microsoft.ML;

namespace FastLb.Training;

/// <summary>A trained model with how it scored against the baselines on the validation split.</summary>
/// <param name="Model">The model, as the managed evaluator serves it.</param>
/// <param name="Bias">The prediction before any tree (the training mean plus FastTree's bias), for the model file.</param>
/// <param name="Trees">The exported trees, for the model file.</param>
/// <param name="Validation">The model's validation metrics.</param>
/// <param name="Baselines">Baseline name (<c>global_mean</c>, <c>per_backend_mean</c>, <c>per_backend_ewma</c>) to its validation metrics.</param>
/// <param name="Importance">Feature name to its share of the total split gain, largest first.</param>
/// <param name="RoundsRun">Trees grown before stopping.</param>
/// <param name="TreeCount">Trees kept (up to the best validation loss).</param>
/// <param name="TrainSeconds">Seconds spent training (ML.NET reading the rows, boosting, export, ML.NET's validation predictions).</param>
/// <param name="EvaluatorMaxAbsDiffMs">Largest difference between the managed evaluator and ML.NET on the validation rows.</param>
/// <param name="FastTreeModel">ML.NET's own model, kept for checking the export (<see cref="LatencyTrainer.PredictWithMlNet"/>); never saved.</param>
/// <param name="LabelMean">The mean latency the labels were trained around.</param>
internal sealed record LatencyTrainingResult(
    TreeLatencyModel Model,
    double Bias,
    IReadOnlyList<RegressionTree> Trees,
    RegressionMetrics Validation,
    IReadOnlyList<KeyValuePair<string, RegressionMetrics>> Baselines,
    IReadOnlyList<KeyValuePair<string, double>> Importance,
    int RoundsRun,
    int TreeCount,
    double TrainSeconds,
    double EvaluatorMaxAbsDiffMs,
    ITransformer FastTreeModel,
    double LabelMean);

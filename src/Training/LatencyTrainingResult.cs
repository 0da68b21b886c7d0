using FastLb.Policy.Prediction;

namespace FastLb.Training;

/// <summary>A trained model with how it scored against the baselines on the validation split.</summary>
/// <param name="Model">The model, as the managed evaluator serves it.</param>
/// <param name="XGBoostJson">XGBoost's JSON model, for the model file.</param>
/// <param name="Validation">The model's validation metrics.</param>
/// <param name="Baselines">Baseline name (<c>global_mean</c>, <c>per_backend_mean</c>, <c>per_backend_ewma</c>) to its validation metrics.</param>
/// <param name="Importance">Feature name to its share of the total split gain, largest first.</param>
/// <param name="RoundsRun">Boosting rounds run before stopping.</param>
/// <param name="Trees">Trees kept (the best round's).</param>
/// <param name="TrainSeconds">Seconds spent boosting (matrices, rounds, save).</param>
/// <param name="EvaluatorMaxAbsDiffMs">Largest difference between the managed evaluator and XGBoost on the validation rows.</param>
internal sealed record LatencyTrainingResult(
    TreeLatencyModel Model,
    byte[] XGBoostJson,
    RegressionMetrics Validation,
    IReadOnlyList<KeyValuePair<string, RegressionMetrics>> Baselines,
    IReadOnlyList<KeyValuePair<string, double>> Importance,
    int RoundsRun,
    int Trees,
    double TrainSeconds,
    double EvaluatorMaxAbsDiffMs);

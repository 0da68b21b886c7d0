namespace FastLb.Policy.Prediction;

/// <summary>What a model file says about its model besides the trees: features, vocabularies, when and how well trained.</summary>
/// <param name="FeatureVersion">The <see cref="LatencyFeatures.Version"/> it was trained with.</param>
/// <param name="Features">Feature names in the model's order.</param>
/// <param name="Backends">Backend-id vocabulary (index = code).</param>
/// <param name="Routes">Route vocabulary (index = code).</param>
/// <param name="TrainedAt">When training finished.</param>
/// <param name="Validation">Metrics on the validation split.</param>
/// <param name="TrainRecords">Rows trained on.</param>
/// <param name="ValidationRecords">Rows validated on.</param>
/// <param name="Trainer">The library that trained it, with its version (<c>ML.NET FastTree 6.0.0</c>; <c>XGBoost 1.7.4</c> for a format version 1 file).</param>
internal sealed record LatencyModelHeader(
    string FeatureVersion,
    IReadOnlyList<string> Features,
    IReadOnlyList<string> Backends,
    IReadOnlyList<string> Routes,
    DateTimeOffset TrainedAt,
    RegressionMetrics Validation,
    long TrainRecords,
    long ValidationRecords,
    string Trainer);

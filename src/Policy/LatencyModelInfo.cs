namespace FastLb.Policy;

/// <summary>Identity and quality of a trained model, shown on <c>/status</c>.</summary>
/// <param name="Version">Model format and feature-set version.</param>
/// <param name="Features">Feature names, in the order the model expects them.</param>
/// <param name="TrainedAt">When training finished.</param>
/// <param name="ValidationRmseMs">Root mean squared error on the validation split, in ms.</param>
public sealed record LatencyModelInfo(string Version, IReadOnlyList<string> Features, DateTimeOffset TrainedAt, double ValidationRmseMs);

namespace FastLb.Policy.Prediction;

/// <summary>A model file that cannot be used: unreadable, not ours, or trained on other features; the old model stays.</summary>
internal sealed class LatencyModelException(string message, Exception? inner = null) : Exception(message, inner);

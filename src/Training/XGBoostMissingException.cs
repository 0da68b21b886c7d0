namespace FastLb.Training;

/// <summary>libxgboost.so.0 could not be loaded: training needs it, serving does not.</summary>
internal sealed class XGBoostMissingException(string message, Exception? inner = null) : Exception(message, inner);

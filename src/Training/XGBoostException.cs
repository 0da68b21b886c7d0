namespace FastLb.Training;

/// <summary>An XGBoost C API call failed; the message is XGBoost's own (<c>XGBGetLastError</c>).</summary>
internal sealed class XGBoostException(string message) : Exception(message);

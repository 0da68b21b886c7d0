using FastLb.Policy.Prediction;

namespace FastLb.Training;

/// <summary>Writes model files (<see cref="LatencyModelFile"/>'s format) to disk, atomically.</summary>
internal static class LatencyModelWriter
{
    /// <summary>Writes a model file atomically.</summary>
    /// <param name="path">Where; the folder is created.</param>
    /// <param name="header">Everything but the trees.</param>
    /// <param name="xgboostJson">XGBoost's JSON model (<see cref="XGBoostLibrary.SaveJson"/>).</param>
    public static void Write(string path, LatencyModelHeader header, ReadOnlySpan<byte> xgboostJson)
    {
        byte[] bytes = LatencyModelFile.Serialize(header, xgboostJson);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }
}

using FastLb.Policy.Prediction;

namespace FastLb.Training;

/// <summary>Writes model files (<see cref="LatencyModelFile"/>'s format) to disk, atomically.</summary>
internal static class LatencyModelWriter
{
    /// <summary>Writes the model file of a training result atomically.</summary>
    /// <param name="path">Where; the folder is created.</param>
    /// <param name="result">The trained model: header, bias and exported trees.</param>
    public static void Write(string path, LatencyTrainingResult result)
    {
        byte[] bytes = LatencyModelFile.Serialize(result.Model.Header, result.Bias, result.Trees);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }
}

namespace FastLb.Policy.Prediction;

/// <summary>How well predictions fit: RMSE, MAE, R², and the median and 90th percentile of the absolute error (ms).</summary>
/// <param name="RmseMs">Root mean squared error.</param>
/// <param name="MaeMs">Mean absolute error.</param>
/// <param name="R2">Coefficient of determination (1 is perfect, 0 is the mean of the actual values).</param>
/// <param name="P50AbsErrorMs">Median absolute error.</param>
/// <param name="P90AbsErrorMs">90th percentile of the absolute error.</param>
internal sealed record RegressionMetrics(double RmseMs, double MaeMs, double R2, double P50AbsErrorMs, double P90AbsErrorMs)
{
    /// <summary>Scores <paramref name="predicted"/> against <paramref name="actual"/>.</summary>
    public static RegressionMetrics Compute(ReadOnlySpan<float> actual, ReadOnlySpan<double> predicted)
    {
        if (actual.Length != predicted.Length || actual.Length == 0)
        {
            throw new ArgumentException("need as many predictions as values, at least one");
        }

        double mean = 0;
        foreach (float value in actual)
        {
            mean += value;
        }

        mean /= actual.Length;
        double squared = 0;
        double absolute = 0;
        double total = 0;
        var errors = new double[actual.Length];
        for (int i = 0; i < actual.Length; i++)
        {
            double error = predicted[i] - actual[i];
            squared += error * error;
            absolute += Math.Abs(error);
            total += (actual[i] - mean) * (actual[i] - mean);
            errors[i] = Math.Abs(error);
        }

        Array.Sort(errors);
        double r2 = total > 0 ? 1 - (squared / total) : (squared == 0 ? 1 : 0);
        return new RegressionMetrics(
            Math.Sqrt(squared / actual.Length),
            absolute / actual.Length,
            r2,
            Quantile(errors, 0.5),
            Quantile(errors, 0.9));
    }

    // Linear interpolation between closest ranks, as numpy's default, so the sklearn script agrees.
    private static double Quantile(double[] sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int lower = (int)Math.Floor(position);
        int upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + ((position - lower) * (sorted[upper] - sorted[lower]));
    }
}

using System.Globalization;

namespace FastLb.Backends.Tests.Support;

/// <summary>Reads one value from an instance's /metrics.</summary>
internal static class Metrics
{
    /// <summary>The value of the first series of <paramref name="name"/> (with <paramref name="label"/> in its labels when given), 0 when absent.</summary>
    public static async Task<double> GetMetricAsync(this Uri baseAddress, string name, string? label = null)
    {
        using var client = new HttpClient { BaseAddress = baseAddress };
        string text = await client.GetStringAsync("/metrics");
        foreach (string line in text.Split('\n'))
        {
            if (!line.StartsWith(name + "{", StringComparison.Ordinal)) continue;
            if (label is not null && !line.Contains("\"" + label + "\"", StringComparison.Ordinal)) continue;
            return double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
        }

        return 0;
    }
}

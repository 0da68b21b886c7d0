using System.Text.Json;

namespace FastLb.Load;

/// <summary>Writes a <see cref="LoadResult"/> as the JSON of <c>fastlb load --json</c> (docs/FORMATS.md); latencies in ms rounded to 3 decimals.</summary>
public static class LoadResultJson
{
    /// <summary>Writes <paramref name="result"/> as one object.</summary>
    public static void Write(Utf8JsonWriter writer, LoadResult result)
    {
        LoadOptions options = result.Options;
        writer.WriteStartObject();
        writer.WriteString("url", options.Target.ToString());
        writer.WriteString("mode", options.Closed ? "closed" : "open");
        writer.WriteString("arrivals", options.Closed ? "closed" : options.Arrivals == ArrivalKind.Poisson ? "poisson" : "constant");
        writer.WriteNumber("rate_rps", options.Closed ? 0 : options.Rate);
        writer.WriteNumber("duration_s", options.Duration.TotalSeconds);
        writer.WriteNumber("connections", options.Connections);
        writer.WriteNumber("sent", result.Sent);
        writer.WriteNumber("responses", result.Responses);
        writer.WriteStartObject("status_classes");
        for (int i = 1; i < 6; i++) writer.WriteNumber($"{i}xx", result.StatusClasses[i]);
        writer.WriteEndObject();
        writer.WriteNumber("timeouts", result.Timeouts);
        writer.WriteNumber("transport_errors", result.TransportErrors);
        writer.WriteNumber("dropped", result.Dropped);
        writer.WriteNumber("errors", result.Errors);
        writer.WriteNumber("error_rate", Math.Round(result.ErrorRate, 7));
        writer.WriteNumber("achieved_rps", Math.Round(result.AchievedRps, 3));
        writer.WriteNumber("throughput_rps", Math.Round(result.ThroughputRps, 3));
        foreach ((string name, double percentile) in Percentiles)
        {
            writer.WriteNumber(name, Math.Round(result.PercentileMs(percentile), 3));
        }

        writer.WriteNumber("max_ms", Math.Round(result.MaxMs, 3));
        writer.WriteNumber("mean_ms", Math.Round(result.MeanMs, 3));
        writer.WriteNumber("stddev_ms", Math.Round(result.StdDevMs, 3));
        writer.WriteBoolean("cancelled", result.Cancelled);
        writer.WriteEndObject();
    }

    /// <summary>The percentiles reported, by JSON field name.</summary>
    public static IReadOnlyList<(string Name, double Percentile)> Percentiles { get; } =
        [("p50_ms", 50), ("p90_ms", 90), ("p95_ms", 95), ("p99_ms", 99), ("p999_ms", 99.9)];
}

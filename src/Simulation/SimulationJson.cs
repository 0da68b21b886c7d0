using System.Text.Json;

namespace FastLb.Simulation;

/// <summary>Writes <c>fastlb sim --json</c>; docs/FORMATS.md describes every field. Field names are a published format: add fields, do not rename them.</summary>
internal static class SimulationJson
{
    /// <summary>Writes one scenario's document: <c>{"scenario", "requests", "seed", "results": [...]}</c> and extras.</summary>
    public static void WriteScenario(Utf8JsonWriter writer, ScenarioReport report)
    {
        Scenario scenario = report.Scenario;
        writer.WriteStartObject();
        writer.WriteString("scenario", scenario.Key);
        writer.WriteNumber("requests", report.Results.Count > 0 ? report.Results[0].Requests : 0);
        writer.WriteNumber("seed", report.Seed);
        writer.WriteNumber("seeds", report.Seeds);
        writer.WriteString("id", scenario.Spec.Id);
        writer.WriteString("name", scenario.Spec.Name);
        writer.WriteNumber("warmup_s", report.WarmupS);
        writer.WriteNumber("duration_s", report.DurationS);
        if (report.MaxRequests is { } max)
        {
            writer.WriteNumber("max_requests", max);
        }

        writer.WriteNumber("capacity_rps", Round(scenario.CapacityRps, 3));
        writer.WriteNumber("wall_s", Round(report.WallSeconds, 3));
        writer.WriteStartArray("results");
        foreach (SimulationResult result in report.Results)
        {
            WriteResult(writer, result);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("skipped");
        foreach ((string policy, string reason) in report.Skipped)
        {
            writer.WriteStartObject();
            writer.WriteString("policy", policy);
            writer.WriteString("reason", reason);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Writes several scenarios as <c>{"scenarios": [doc, ...]}</c>.</summary>
    public static void WriteAll(Utf8JsonWriter writer, IEnumerable<ScenarioReport> reports)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("scenarios");
        foreach (ScenarioReport report in reports)
        {
            WriteScenario(writer, report);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteResult(Utf8JsonWriter writer, SimulationResult result)
    {
        LatencyHistogram latency = result.Latency;
        writer.WriteStartObject();
        writer.WriteString("policy", result.Policy);
        writer.WriteNumber("p50_ms", Round(latency.Percentile(0.50), 3));
        writer.WriteNumber("p90_ms", Round(latency.Percentile(0.90), 3));
        writer.WriteNumber("p95_ms", Round(latency.Percentile(0.95), 3));
        writer.WriteNumber("p99_ms", Round(latency.Percentile(0.99), 3));
        writer.WriteNumber("p999_ms", Round(latency.Percentile(0.999), 3));
        writer.WriteNumber("max_ms", Round(latency.MaxMs, 3));
        writer.WriteNumber("mean_ms", Round(latency.MeanMs, 3));
        writer.WriteNumber("throughput_rps", Round(result.ThroughputRps, 3));
        writer.WriteNumber("error_rate", Round(result.ErrorRate, 7));
        writer.WriteStartObject("share");
        for (int i = 0; i < result.BackendIds.Length; i++)
        {
            writer.WriteNumber(result.BackendIds[i], Round(result.Share(i), 5));
        }

        writer.WriteEndObject();
        writer.WriteNumber("requests", result.Requests);
        writer.WriteNumber("goodput_rps", Round(result.GoodputRps, 3));
        writer.WriteNumber("timeout_rate", Round(result.TimeoutRate, 7));
        writer.WriteNumber("shed_rate", Round(result.ShedRate, 7));
        writer.WriteNumber("server_errors", result.ServerErrors);
        writer.WriteNumber("connect_errors", result.ConnectErrors);
        writer.WriteNumber("no_backend", result.NoBackend);
        writer.WriteNumber("shed", result.Shed);
        writer.WriteNumber("retries", result.Retries);
        writer.WriteNumber("decision_ns", Round(result.DecisionNs, 1));
        writer.WriteStartObject("capacity_share");
        for (int i = 0; i < result.BackendIds.Length; i++)
        {
            writer.WriteNumber(result.BackendIds[i], Round(result.CapacityShare[i], 5));
        }

        writer.WriteEndObject();
        writer.WriteStartArray("p99_ms_by_seed");
        foreach (double p99 in result.P99BySeed)
        {
            writer.WriteNumberValue(Round(p99, 3));
        }

        writer.WriteEndArray();
        if (result.Steps.Length > 0)
        {
            writer.WriteStartArray("steps");
            foreach (StepResult step in result.Steps)
            {
                writer.WriteStartObject();
                writer.WriteNumber("load", step.Load);
                writer.WriteNumber("rps", Round(step.Rps, 3));
                writer.WriteNumber("requests", step.Requests);
                writer.WriteNumber("p50_ms", Round(step.Latency.Percentile(0.50), 3));
                writer.WriteNumber("p99_ms", Round(step.Latency.Percentile(0.99), 3));
                writer.WriteNumber("p999_ms", Round(step.Latency.Percentile(0.999), 3));
                writer.WriteNumber("error_rate", Round(step.ErrorRate, 7));
                writer.WriteBoolean("meets_slo", step.MeetsSlo(result.Slo));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WritePropertyName("goodput_at_slo");
            if (result.GoodputLoad is { } load)
            {
                writer.WriteStartObject();
                writer.WriteNumber("load", load);
                writer.WriteNumber("rps", Round(load * (result.Steps.Length > 0 ? result.Steps[0].Rps / result.Steps[0].Load : 0), 3));
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteNullValue();
            }
        }

        if (result.Watches.Length > 0)
        {
            writer.WriteStartArray("watch");
            foreach (WatchResult watch in result.Watches)
            {
                writer.WriteStartObject();
                writer.WriteString("backend", watch.BackendId);
                writer.WriteNumber("from_s", watch.FromS);
                writer.WriteNumber("to_s", watch.ToS);
                writer.WriteNumber("divert_share", Round(watch.DivertShare, 5));
                writer.WriteNumber("recover_share", Round(watch.RecoverShare, 5));
                writer.WriteNumber("window_share", Round(watch.MeanWindowShare, 5));
                WriteNullable(writer, "divert_s", watch.MeanDivertS);
                WriteNullable(writer, "recovery_s", watch.MeanRecoveryS);
                writer.WriteNumber("p99_ms", Round(watch.Window.Percentile(0.99), 3));
                writer.WriteNumber("p999_ms", Round(watch.Window.Percentile(0.999), 3));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, Round(v, 3));
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static double Round(double value, int digits) => double.IsFinite(value) ? Math.Round(value, digits) : 0;
}

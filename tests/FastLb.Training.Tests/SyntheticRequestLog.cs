using System.Globalization;
using System.Text;
using FastLb.Policy.Prediction;
using FastLb.RequestLog;

namespace FastLb.Training.Tests;

/// <summary>Writes request-log CSV (docs/FORMATS.md columns) whose latency is a known function of the features plus small noise.</summary>
internal static class SyntheticRequestLog
{
    /// <summary>Backend ids used.</summary>
    public static readonly string[] Backends = ["10.0.0.1:9101", "10.0.0.2:9101", "10.0.0.3:9101", "10.0.0.4:9101"];

    /// <summary>Routes used.</summary>
    public static readonly string[] Routes = ["/api/cart", "/api/orders", "/"];

    private static readonly double[] s_backendBaseMs = [10, 20, 40, 5];
    private static readonly string[] s_methods = ["GET", "POST", "PUT", "DELETE"];

    /// <summary>The noise-free latency of a row: what a model should learn.</summary>
    public static double TrueLatency(int backend, int route, string method, double reqBytes, double inflightBackend, double cpu)
    {
        double latency = s_backendBaseMs[backend] + (3 * inflightBackend) + (route == 1 ? 12 : 0) + (method == "POST" ? 8 : 0);
        if (reqBytes >= 0)
        {
            latency += reqBytes / 1000;
        }

        if (cpu >= 0)
        {
            latency += cpu > 80 ? 25 : 0;
        }

        return latency;
    }

    /// <summary>Writes <paramref name="rows"/> rows with a header in the writer's column order plus one extra column at the end.</summary>
    /// <param name="path">File to write.</param>
    /// <param name="rows">Data rows.</param>
    /// <param name="seed">Seed of the generator.</param>
    /// <param name="columns">Column order; null for the writer's order plus <c>extra</c>.</param>
    public static void Write(string path, int rows, int seed, IReadOnlyList<string>? columns = null)
    {
        File.WriteAllText(path, Text(rows, seed, columns));
    }

    /// <summary>The CSV text of <paramref name="rows"/> rows.</summary>
    public static string Text(int rows, int seed, IReadOnlyList<string>? columns = null)
    {
        columns ??= [.. RequestLogColumns.Required, "extra"];
        var random = new Random(seed);
        var text = new StringBuilder();
        text.AppendJoin(',', columns).Append('\n');
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < rows; i++)
        {
            int backend = random.Next(Backends.Length);
            int route = random.Next(Routes.Length);
            string method = s_methods[random.Next(s_methods.Length)];
            double reqBytes = random.NextDouble() < 0.2 ? -1 : random.Next(0, 20000);
            int inflightBackend = random.Next(0, 12);
            double cpu = random.NextDouble() < 0.1 ? -1 : Math.Round(random.NextDouble() * 100, 1);
            double noise = Gaussian(random) * 0.5;
            double latency = Math.Max(0, TrueLatency(backend, route, method, reqBytes, inflightBackend, cpu) + noise);
            values["ts_unix_ms"] = (1_700_000_000_000L + (i * 10L)).ToString(CultureInfo.InvariantCulture);
            values["request_id"] = $"req-{i}";
            values["pool"] = "web";
            values["backend"] = Backends[backend];
            values["route"] = Routes[route];
            values["method"] = method;
            values["req_bytes"] = reqBytes.ToString(CultureInfo.InvariantCulture);
            values["status"] = "200";
            values["latency_ms"] = latency.ToString("0.###", CultureInfo.InvariantCulture);
            values["ttfb_ms"] = (latency * 0.9).ToString("0.###", CultureInfo.InvariantCulture);
            values["error"] = string.Empty;
            values["policy"] = "round_robin";
            values["inflight_backend"] = inflightBackend.ToString(CultureInfo.InvariantCulture);
            values["inflight_pool"] = (inflightBackend + random.Next(0, 30)).ToString(CultureInfo.InvariantCulture);
            values["ewma_latency_ms"] = (s_backendBaseMs[backend] + (random.NextDouble() * 5)).ToString("0.###", CultureInfo.InvariantCulture);
            values["ewma_error_rate"] = (random.NextDouble() * 0.01).ToString("0.#####", CultureInfo.InvariantCulture);
            values["backend_cpu"] = cpu.ToString(CultureInfo.InvariantCulture);
            values["backend_active"] = random.Next(-1, 20).ToString(CultureInfo.InvariantCulture);
            values["backend_avg_ms"] = random.NextDouble() < 0.3 ? "-1" : (s_backendBaseMs[backend] * 1.1).ToString("0.##", CultureInfo.InvariantCulture);
            values["extra"] = "x";
            for (int c = 0; c < columns.Count; c++)
            {
                if (c > 0)
                {
                    text.Append(',');
                }

                text.Append(values[columns[c]]);
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private static double Gaussian(Random random)
    {
        // Box-Muller: two uniforms give one standard normal.
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}

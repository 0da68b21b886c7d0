using FastLb.Load;
using ScottPlot;

namespace FastLb.Cli.Demo;

/// <summary>The report's PNG charts (ScottPlot): latency percentiles per policy, latency over time, latency CDF, share per backend over
/// time with the degradation windows marked, and throughput over time.</summary>
internal static class DemoCharts
{
    private const int Width = 1100, Height = 520;

    /// <summary>Writes every chart into <paramref name="outDir"/>; returns their file names.</summary>
    public static IReadOnlyList<string> Write(DemoReport report, string outDir)
    {
        var files = new List<string>();
        files.Add(Save(Percentiles(report), outDir, "latency-percentiles.png"));
        files.Add(Save(LatencyOverTime(report), outDir, "latency-over-time.png"));
        files.Add(Save(Cdf(report), outDir, "latency-cdf.png"));
        files.Add(Save(ShareOverTime(report), outDir, "share-over-time.png"));
        files.Add(Save(Throughput(report), outDir, "throughput.png"));
        return files;
    }

    private static string Save(Plot plot, string outDir, string name)
    {
        plot.SavePng(Path.Combine(outDir, name), Width, Height);
        return name;
    }

    private static Color PolicyColor(string policy) => policy switch
    {
        "round_robin" => Colors.Gray,
        "least_connections" => Colors.SteelBlue,
        "least_response_time" => Colors.Orange,
        "peak_ewma" => Colors.Purple,
        "q_learning" => Colors.Brown,
        "fastlb" => Colors.Crimson,
        _ => Colors.Black,
    };

    private static Plot Percentiles(DemoReport report)
    {
        var plot = new Plot();
        string[] measures = ["p50", "p95", "p99", "p99 degraded"];
        var bars = new List<Bar>();
        var ticks = new List<Tick>();
        for (int m = 0; m < measures.Length; m++)
        {
            for (int p = 0; p < report.Results.Count; p++)
            {
                DemoPolicyResult r = report.Results[p];
                double value = m switch { 0 => r.P50Ms, 1 => r.P95Ms, 2 => r.P99Ms, _ => r.DegradedP99Ms };
                bars.Add(new Bar { Position = m * (report.Results.Count + 1) + p, Value = value, FillColor = PolicyColor(r.Policy) });
            }

            ticks.Add(new Tick(m * (report.Results.Count + 1) + (report.Results.Count - 1) / 2.0, measures[m]));
        }

        plot.Add.Bars(bars);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. ticks]);
        plot.Axes.Margins(bottom: 0);
        foreach (DemoPolicyResult r in report.Results)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = r.Policy, FillColor = PolicyColor(r.Policy) });
        }

        plot.ShowLegend(Alignment.UpperLeft);
        plot.Title("Latency percentiles per policy (all compare turns)");
        plot.YLabel("ms");
        return plot;
    }

    private static double Bin(DemoReport report) => Math.Max(0.25, report.Slots.Count == 0 ? 1 : report.Slots[^1].EndS / 240);

    private static Plot LatencyOverTime(DemoReport report)
    {
        var plot = new Plot();
        double bin = Bin(report);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (DemoSlot slot in report.Slots)
        {
            var xs = new List<double>();
            var ys = new List<double>();
            foreach (IGrouping<long, LoadSample> group in report.Samples.Where(s => slot.Contains(s.IntendedS)).GroupBy(s => (long)(s.IntendedS / bin)).OrderBy(g => g.Key))
            {
                xs.Add((group.Key + 0.5) * bin);
                ys.Add(DemoReport.Histogram(group).GetValueAtPercentile(99) / 1000.0);
            }

            if (xs.Count == 0) continue;
            var line = plot.Add.Scatter(xs.ToArray(), ys.ToArray(), slot.Phase == "compare" ? PolicyColor(slot.Policy) : Colors.LightGray);
            line.MarkerSize = 0;
            if (slot.Phase == "compare" && seen.Add(slot.Policy)) line.LegendText = slot.Policy;
        }

        MarkWindows(plot, report);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.Title($"p99 latency over time ({bin:0.##} s bins; grey: collect and train; shaded: {report.DegradingName} degraded)");
        plot.XLabel("s since the traffic started");
        plot.YLabel("p99 ms");
        return plot;
    }

    private static Plot Cdf(DemoReport report)
    {
        var plot = new Plot();
        foreach (DemoPolicyResult r in report.Results)
        {
            List<DemoSlot> turns = report.Slots.Where(s => s.Phase == "compare" && s.Policy == r.Policy).ToList();
            double[] latencies = report.Samples.Where(s => s.Outcome != LoadOutcome.Dropped && turns.Any(t => t.Contains(s.IntendedS)))
                .Select(s => Math.Max(0.01, s.LatencyUs / 1000.0)).Order().ToArray();
            if (latencies.Length == 0) continue;
            int points = Math.Min(400, latencies.Length);
            var xs = new double[points];
            var ys = new double[points];
            for (int i = 0; i < points; i++)
            {
                int index = (int)((long)i * (latencies.Length - 1) / Math.Max(1, points - 1));
                xs[i] = Math.Log10(latencies[index]);
                ys[i] = (index + 1.0) / latencies.Length;
            }

            var line = plot.Add.Scatter(xs, ys, PolicyColor(r.Policy));
            line.MarkerSize = 0;
            line.LegendText = r.Policy;
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = x => $"{Math.Pow(10, x):0.###}",
        };
        plot.ShowLegend(Alignment.LowerRight);
        plot.Title("Latency distribution per policy (CDF, log scale)");
        plot.XLabel("ms (log scale)");
        plot.YLabel("fraction of requests at or below");
        return plot;
    }

    private static Plot ShareOverTime(DemoReport report)
    {
        var plot = new Plot();
        double bin = Bin(report);
        DemoInstance degrading = report.Instances.Single(i => i.Name == report.DegradingName);
        List<DemoInstance> pool = report.Instances.Where(i => i.Service == degrading.Service && !i.Internal).ToList();
        string poolName = degrading.Service.ToString().ToLowerInvariant();
        var totals = report.Rows.Where(r => r.Pool == poolName).GroupBy(r => (long)(r.TimeS / bin)).ToDictionary(g => g.Key, g => g.Count());
        Color[] palette = [Colors.SteelBlue, Colors.SeaGreen, Colors.Orange, Colors.Crimson, Colors.Purple, Colors.Brown];
        int n = 0;
        foreach (DemoInstance instance in pool)
        {
            var counts = report.Rows.Where(r => r.Backend == instance.Address).GroupBy(r => (long)(r.TimeS / bin)).ToDictionary(g => g.Key, g => g.Count());
            long[] keys = [.. totals.Keys.Where(k => k >= 0).Order()];
            double[] xs = keys.Select(k => (k + 0.5) * bin).ToArray();
            double[] ys = keys.Select(k => counts.GetValueOrDefault(k) / (double)totals[k]).ToArray();
            if (xs.Length == 0) continue;
            var line = plot.Add.Scatter(xs, ys, palette[n++ % palette.Length]);
            line.MarkerSize = 0;
            line.LineWidth = instance == degrading ? 2.5f : 1.2f;
            line.LegendText = instance.Name + (instance == degrading ? " (degrades)" : string.Empty);
        }

        MarkWindows(plot, report);
        foreach (DemoSlot slot in report.Slots.Where(s => s.Phase != "train"))
        {
            var label = plot.Add.Text(slot.Phase == "compare" ? slot.Policy : slot.Phase, slot.StartS, 1.02);
            label.LabelFontSize = 9;
            label.LabelRotation = -30;
        }

        plot.Axes.SetLimitsY(0, 1.1);
        plot.ShowLegend(Alignment.UpperRight);
        plot.Title($"Share of the {poolName} pool's requests per instance (shaded: {report.DegradingName} degraded)");
        plot.XLabel("s since the traffic started");
        plot.YLabel("share");
        return plot;
    }

    private static Plot Throughput(DemoReport report)
    {
        var plot = new Plot();
        double bin = Bin(report);
        var groups = report.Samples.GroupBy(s => (long)(s.IntendedS / bin)).OrderBy(g => g.Key).ToList();
        double[] xs = groups.Select(g => (g.Key + 0.5) * bin).ToArray();
        var ok = plot.Add.Scatter(xs, groups.Select(g => g.Count(s => !DemoReport.IsError(s)) / bin).ToArray(), Colors.SeaGreen);
        ok.MarkerSize = 0;
        ok.LegendText = "answered (< 500)";
        var failed = plot.Add.Scatter(xs, groups.Select(g => g.Count(DemoReport.IsError) / bin).ToArray(), Colors.Crimson);
        failed.MarkerSize = 0;
        failed.LegendText = "errors";
        MarkWindows(plot, report);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.Title("Throughput over time (requests by intended send time)");
        plot.XLabel("s since the traffic started");
        plot.YLabel("req/s");
        return plot;
    }

    private static void MarkWindows(Plot plot, DemoReport report)
    {
        foreach (DemoSlot slot in report.Slots)
        {
            if (!double.IsNaN(slot.DegradedFromS))
            {
                var span = plot.Add.HorizontalSpan(slot.DegradedFromS, slot.DegradedToS);
                span.FillStyle.Color = Colors.Orange.WithAlpha(0.15);
                span.LineStyle.Width = 0;
            }

            var boundary = plot.Add.VerticalLine(slot.StartS);
            boundary.Color = Colors.Black.WithAlpha(0.25);
            boundary.LineWidth = 1;
        }
    }
}

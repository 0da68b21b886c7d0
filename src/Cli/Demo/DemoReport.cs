using System.Globalization;
using System.Text;
using System.Text.Json;
using FastLb.Load;
using HdrHistogram;

namespace FastLb.Cli.Demo;

/// <summary>The demo's results: per policy statistics, the verdict as measured, and the report folder's files (report.md, results.json, charts).</summary>
internal sealed class DemoReport
{
    /// <summary>The policies that do not learn; fastlb is held against the best of them.</summary>
    public static readonly string[] Classical = ["round_robin", "least_connections", "least_response_time", "peak_ewma"];

    private DemoReport(DemoOptions options, IReadOnlyList<DemoSlot> slots, IReadOnlyList<LoadSample> samples, IReadOnlyList<LogRow> rows,
        IReadOnlyList<DemoInstance> instances, IReadOnlyList<DemoPolicyResult> results, string? modelVersion, string? training, double trainS,
        string degrading, string failing, double wallS)
    {
        Options = options;
        Slots = slots;
        Samples = samples;
        Rows = rows;
        Instances = instances;
        Results = results;
        ModelVersion = modelVersion;
        Training = training;
        TrainS = trainS;
        DegradingName = degrading;
        FailingName = failing;
        WallS = wallS;
    }

    /// <summary>The options it ran with.</summary>
    public DemoOptions Options { get; }

    /// <summary>Every phase and turn, in order.</summary>
    public IReadOnlyList<DemoSlot> Slots { get; }

    /// <summary>Every finished request of the run.</summary>
    public IReadOnlyList<LoadSample> Samples { get; }

    /// <summary>The proxy's request log.</summary>
    public IReadOnlyList<LogRow> Rows { get; }

    /// <summary>Every instance: the balanced ones and the orders service's internal ones.</summary>
    public IReadOnlyList<DemoInstance> Instances { get; }

    /// <summary>One result per compared policy, in the options' order.</summary>
    public IReadOnlyList<DemoPolicyResult> Results { get; }

    /// <summary>The model version the proxy loaded, or null when fastlb was not run.</summary>
    public string? ModelVersion { get; }

    /// <summary>The training in one line.</summary>
    public string? Training { get; }

    /// <summary>Seconds the train phase took.</summary>
    public double TrainS { get; }

    /// <summary>The instance that degrades.</summary>
    public string DegradingName { get; }

    /// <summary>The instance that fails for a while.</summary>
    public string FailingName { get; }

    /// <summary>The whole run, s.</summary>
    public double WallS { get; }

    /// <summary>Computes the statistics from the samples, the slots and the request log.</summary>
    public static DemoReport Build(DemoOptions options, string outDir, IReadOnlyList<DemoSlot> slots, IReadOnlyList<LoadSample> samples,
        IReadOnlyList<DemoInstance> instances, long trafficStartUnixMs, string? modelVersion, string? training, double trainS, string degrading, string failing, double wallS)
    {
        List<LogRow> rows = LogRow.Read(Path.Combine(outDir, "requests.csv"), trafficStartUnixMs);
        DemoInstance degradingInstance = instances.Single(i => i.Name == degrading);
        DemoInstance failingInstance = instances.Single(i => i.Name == failing);
        string degradedPool = degradingInstance.Service.ToString().ToLowerInvariant();
        string failingPool = failingInstance.Service.ToString().ToLowerInvariant();
        var results = new List<DemoPolicyResult>();
        foreach (string policy in options.Policies)
        {
            List<DemoSlot> turns = slots.Where(s => s.Phase == "compare" && s.Policy == policy).ToList();
            if (turns.Count == 0) continue;
            List<LoadSample> mine = samples.Where(x => turns.Any(t => t.Contains(x.IntendedS))).ToList();
            LongHistogram all = Histogram(mine);
            LongHistogram degraded = Histogram(mine.Where(x => turns.Any(t => t.Degraded(x.IntendedS))));
            LongHistogram degradedPoolHistogram = Histogram(mine.Where(x => turns.Any(t => t.Degraded(x.IntendedS)) && PoolOf(x) == degradedPool));
            List<LoadSample> failingSamples = mine.Where(x => turns.Any(t => t.Failing(x.IntendedS)) && PoolOf(x) == failingPool).ToList();
            double seconds = turns.Sum(t => t.EndS - t.StartS);
            long responses = mine.Count(x => x.Outcome == LoadOutcome.Response);
            List<LogRow> logged = rows.Where(r => r.Policy == policy && turns.Any(t => t.Contains(r.TimeS))).ToList();
            var share = new SortedDictionary<string, double>(StringComparer.Ordinal);
            var cvs = new List<double>();
            foreach (IGrouping<string, DemoInstance> pool in instances.Where(i => !i.Internal).GroupBy(i => i.Service.ToString().ToLowerInvariant()))
            {
                double[] counts = pool.Select(i => (double)logged.Count(r => r.Backend == i.Address)).ToArray();
                double total = counts.Sum();
                int k = 0;
                foreach (DemoInstance instance in pool)
                {
                    share[$"{pool.Key}/{instance.Name}"] = total > 0 ? Math.Round(counts[k] / total, 5) : 0;
                    k++;
                }

                if (total > 0)
                {
                    double mean = counts.Average();
                    cvs.Add(Math.Sqrt(counts.Sum(c => (c - mean) * (c - mean)) / counts.Length) / mean);
                }
            }

            results.Add(new DemoPolicyResult
            {
                Policy = policy,
                Requests = mine.Count,
                Responses = responses,
                P50Ms = Ms(all, 50),
                P90Ms = Ms(all, 90),
                P95Ms = Ms(all, 95),
                P99Ms = Ms(all, 99),
                P999Ms = Ms(all, 99.9),
                MaxMs = all.TotalCount == 0 ? 0 : all.GetMaxValue() / 1000.0,
                MeanMs = all.TotalCount == 0 ? 0 : all.GetMean() / 1000.0,
                StdDevMs = all.TotalCount == 0 ? 0 : all.GetStdDeviation() / 1000.0,
                ThroughputRps = seconds > 0 ? responses / seconds : 0,
                GoodputRps = seconds > 0 ? mine.Count(x => x.Outcome == LoadOutcome.Response && x.Status < 500) / seconds : 0,
                ErrorRate = mine.Count == 0 ? 0 : (double)mine.Count(IsError) / mine.Count,
                TimeoutRate = mine.Count == 0 ? 0 : (double)mine.Count(x => x.Outcome == LoadOutcome.Timeout) / mine.Count,
                ServerErrors = mine.Count(x => x.Outcome == LoadOutcome.Response && x.Status >= 500),
                ConnectErrors = mine.Count(x => x.Outcome == LoadOutcome.Transport),
                Retries = logged.Count(r => r.Attempt > 0),
                Share = share,
                LoadCv = cvs.Count == 0 ? 0 : cvs.Average(),
                DegradedP99Ms = Ms(degraded, 99),
                DegradedPoolP99Ms = Ms(degradedPoolHistogram, 99),
                FailingPoolErrorRate = failingSamples.Count == 0 ? 0 : (double)failingSamples.Count(IsError) / failingSamples.Count,
                P99MsByRound = turns.OrderBy(t => t.Round).Select(t => Ms(Histogram(mine.Where(x => t.Contains(x.IntendedS))), 99)).ToList(),
            });
        }

        return new DemoReport(options, slots, samples, rows, instances, results, modelVersion, training, trainS, degrading, failing, wallS);
    }

    /// <summary>Whether a finished request counts as an error: a 5xx, a timeout, a transport failure or a dropped request.</summary>
    public static bool IsError(LoadSample sample) => sample.Outcome != LoadOutcome.Response || sample.Status >= 500;

    /// <summary>The pool a request went to, from its label (service.action).</summary>
    public static string PoolOf(LoadSample sample) => sample.Label is { } label && label.IndexOf('.', StringComparison.Ordinal) is var dot and > 0 ? label[..dot] : string.Empty;

    /// <summary>A histogram (µs, 3 significant digits) of the samples' latencies, dropped ones left out.</summary>
    public static LongHistogram Histogram(IEnumerable<LoadSample> samples)
    {
        var histogram = new LongHistogram(LoadGenerator.HighestTrackableUs, 3);
        foreach (LoadSample sample in samples)
        {
            if (sample.Outcome != LoadOutcome.Dropped) histogram.RecordValue(Math.Clamp(sample.LatencyUs, 1, LoadGenerator.HighestTrackableUs));
        }

        return histogram;
    }

    /// <summary>fastlb's result against the best classical policy's (lowest p99), overall and while degraded; null when either is missing.</summary>
    public (DemoPolicyResult FastLb, DemoPolicyResult BestOverall, DemoPolicyResult BestDegraded)? Verdict()
    {
        DemoPolicyResult? fastlb = Results.FirstOrDefault(r => r.Policy == "fastlb");
        List<DemoPolicyResult> classical = Results.Where(r => Classical.Contains(r.Policy)).ToList();
        if (fastlb is null || classical.Count == 0) return null;
        return (fastlb, classical.MinBy(r => r.P99Ms)!, classical.MinBy(r => r.DegradedP99Ms)!);
    }

    /// <summary>The verdict in sentences, as measured, whichever way it goes.</summary>
    public string VerdictText()
    {
        if (Verdict() is not { } v) return "No verdict: fastlb or the classical policies were not run.";
        return $"Overall p99: fastlb {v.FastLb.P99Ms:0.##} ms against the best classical policy, {v.BestOverall.Policy}, {v.BestOverall.P99Ms:0.##} ms: {Compare(v.FastLb.P99Ms, v.BestOverall.P99Ms)}. "
            + $"While {DegradingName} was degraded: fastlb {v.FastLb.DegradedP99Ms:0.##} ms against {v.BestDegraded.Policy} {v.BestDegraded.DegradedP99Ms:0.##} ms: {Compare(v.FastLb.DegradedP99Ms, v.BestDegraded.DegradedP99Ms)}.";
    }

    /// <summary>Writes report.md, results.json and the charts into <paramref name="outDir"/>.</summary>
    public void Write(string outDir)
    {
        File.WriteAllText(Path.Combine(outDir, "results.json"), Json());
        IReadOnlyList<string> charts = DemoCharts.Write(this, outDir);
        File.WriteAllText(Path.Combine(outDir, "report.md"), Markdown(outDir, charts));
    }

    /// <summary>The results document: the result schema of <c>fastlb sim --json</c> per policy, plus the demo's own fields.</summary>
    public string Json()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("scenario", "demo");
            w.WriteNumber("requests", Results.Count > 0 ? Results[0].Requests : 0);
            w.WriteNumber("seed", Options.Seed);
            w.WriteNumber("seeds", 1);
            w.WriteString("id", "demo");
            w.WriteString("name", "the shop behind FastLb on loopback (fastlb demo)");
            w.WriteNumber("warmup_s", 0);
            w.WriteNumber("duration_s", Math.Round(Slots.Where(s => s.Phase == "compare").Sum(s => s.EndS - s.StartS), 3));
            w.WriteNumber("capacity_rps", 0);
            w.WriteNumber("wall_s", Math.Round(WallS, 3));
            w.WriteNumber("rate_rps", Options.Rate);
            w.WriteNumber("rounds", Options.Rounds);
            w.WriteStartArray("results");
            foreach (DemoPolicyResult r in Results)
            {
                w.WriteStartObject();
                w.WriteString("policy", r.Policy);
                Number(w, "p50_ms", r.P50Ms);
                Number(w, "p90_ms", r.P90Ms);
                Number(w, "p95_ms", r.P95Ms);
                Number(w, "p99_ms", r.P99Ms);
                Number(w, "p999_ms", r.P999Ms);
                Number(w, "max_ms", r.MaxMs);
                Number(w, "mean_ms", r.MeanMs);
                Number(w, "throughput_rps", r.ThroughputRps);
                w.WriteNumber("error_rate", Math.Round(r.ErrorRate, 7));
                w.WriteStartObject("share");
                foreach ((string key, double value) in r.Share) w.WriteNumber(key, value);
                w.WriteEndObject();
                w.WriteNumber("requests", r.Requests);
                Number(w, "goodput_rps", r.GoodputRps);
                w.WriteNumber("timeout_rate", Math.Round(r.TimeoutRate, 7));
                w.WriteNumber("shed_rate", 0);
                w.WriteNumber("server_errors", r.ServerErrors);
                w.WriteNumber("connect_errors", r.ConnectErrors);
                w.WriteNumber("no_backend", 0);
                w.WriteNumber("shed", 0);
                w.WriteNumber("retries", r.Retries);
                w.WriteNumber("decision_ns", 0);
                w.WriteStartObject("capacity_share");
                w.WriteEndObject();
                w.WriteStartArray("p99_ms_by_seed");
                foreach (double p in r.P99MsByRound) w.WriteNumberValue(Math.Round(p, 3));
                w.WriteEndArray();
                Number(w, "stddev_ms", r.StdDevMs);
                w.WriteNumber("load_cv", Math.Round(r.LoadCv, 5));
                Number(w, "degraded_p99_ms", r.DegradedP99Ms);
                Number(w, "degraded_pool_p99_ms", r.DegradedPoolP99Ms);
                w.WriteNumber("failing_pool_error_rate", Math.Round(r.FailingPoolErrorRate, 7));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("skipped");
            w.WriteEndArray();
            w.WriteStartArray("phases");
            foreach (DemoSlot s in Slots)
            {
                w.WriteStartObject();
                w.WriteString("phase", s.Phase);
                w.WriteString("policy", s.Policy);
                w.WriteNumber("round", s.Round);
                w.WriteNumber("start_s", Math.Round(s.StartS, 3));
                w.WriteNumber("end_s", Math.Round(s.EndS, 3));
                if (!double.IsNaN(s.DegradedFromS))
                {
                    w.WriteNumber("degraded_from_s", Math.Round(s.DegradedFromS, 3));
                    w.WriteNumber("degraded_to_s", Math.Round(s.DegradedToS, 3));
                    w.WriteNumber("failing_from_s", Math.Round(s.FailingFromS, 3));
                    w.WriteNumber("failing_to_s", Math.Round(s.FailingToS, 3));
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("instances");
            foreach (DemoInstance i in Instances)
            {
                w.WriteStartObject();
                w.WriteString("name", i.Name);
                w.WriteString("service", i.Service.ToString().ToLowerInvariant());
                w.WriteString("address", i.Address);
                w.WriteBoolean("balanced", !i.Internal);
                w.WriteString("knobs", i.Internal ? "no delay; called directly by the orders instances" : i.Knobs);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("degrading_instance", DegradingName);
            w.WriteString("failing_instance", FailingName);
            w.WriteString("model_version", ModelVersion);
            w.WriteString("training", Training);
            w.WriteString("verdict", VerdictText());
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private string Markdown(string outDir, IReadOnlyList<string> charts)
    {
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine("# fastlb demo report").AppendLine();
        md.AppendLine(inv, $"Run of {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores: {WallS:0} s in all, shop traffic at {Options.Rate:0} req/s (open loop, Poisson arrivals), "
            + $"{Options.Policies.Count} policies x {Options.Rounds} round(s), each turn with the same faults: **{DegradingName}** slow from {DemoSlot.DegradeFrom:P0} to {DemoSlot.DegradeTo:P0} of the turn, "
            + $"**{FailingName}** answering 500 from {DemoSlot.FailFrom:P0} to {DemoSlot.FailTo:P0}. Latency is measured by the client from each request's intended send time.").AppendLine();
        md.AppendLine("## Verdict").AppendLine().AppendLine(VerdictText()).AppendLine();
        md.AppendLine("## Comparison").AppendLine();
        md.AppendLine("| policy | requests | p50 ms | p95 ms | p99 ms | p99.9 ms | mean ms | stddev ms | p99 degraded ms | p99 degraded pool ms | req/s | errors | errors in failing pool | load CV | p99 by round ms |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (DemoPolicyResult r in Results)
        {
            md.AppendLine(inv, $"| {r.Policy} | {r.Requests} | {r.P50Ms:0.##} | {r.P95Ms:0.##} | {r.P99Ms:0.##} | {r.P999Ms:0.##} | {r.MeanMs:0.##} | {r.StdDevMs:0.##} | {r.DegradedP99Ms:0.##} | {r.DegradedPoolP99Ms:0.##} | {r.ThroughputRps:0.#} | {r.ErrorRate:P2} | {r.FailingPoolErrorRate:P1} | {r.LoadCv:0.###} | {string.Join(" / ", r.P99MsByRound.Select(p => p.ToString("0.#", inv)))} |");
        }

        md.AppendLine().AppendLine("How to read it: p99 is the latency 99% of requests beat, over every turn of the policy; \"degraded\" counts only requests sent while "
            + $"{DegradingName} was slow (all pools, then its own pool); \"errors in failing pool\" is the error rate of {FailingName}'s pool while it answered 500; "
            + "load CV is how unevenly a policy spread requests over a pool's instances (0: evenly), averaged over the pools. Throughput follows the offered rate in an open loop, "
            + "so it differs only when requests fail or time out.").AppendLine();
        md.AppendLine("## Phases").AppendLine();
        md.AppendLine("| phase | policy | round | from s | to s |").AppendLine("|---|---|---|---|---|");
        foreach (DemoSlot s in Slots) md.AppendLine(inv, $"| {s.Phase} | {s.Policy} | {s.Round + 1} | {s.StartS:0.0} | {s.EndS:0.0} |");
        md.AppendLine().AppendLine(inv, $"Training: {Training ?? "not run"} in {TrainS:0.0} s (train/collected.csv; report model/latency.report.md); the proxy loaded model {ModelVersion ?? "-"} through its model watcher when the reload made its pools fastlb, without a restart.").AppendLine();
        md.AppendLine("## Instances").AppendLine().AppendLine("| instance | address | knobs |").AppendLine("|---|---|---|");
        foreach (DemoInstance i in Instances) md.AppendLine(inv, $"| {i.Name} | {i.Address} | {(i.Internal ? "not balanced: the orders instances call it directly for reserve, pay and confirm (in-memory stores must see a reservation and its confirmation in one place)" : i.Knobs)} |");
        md.AppendLine().AppendLine("## Charts").AppendLine();
        foreach (string chart in charts) md.AppendLine(inv, $"![{Path.GetFileNameWithoutExtension(chart)}]({chart})").AppendLine();
        md.AppendLine("## Files").AppendLine().AppendLine("`results.json` (the result fields of `fastlb sim --json` per policy, plus the demo's), `requests.csv` (the proxy's request log, every attempt), "
            + "`fastlb.json` (the proxy's config: a starting point for your own; its last policy is the last one compared), `model/` (the trained model and its training report), `proxy.log`, `train.log`, the PNG charts.").AppendLine();
        md.AppendLine("## Rerun").AppendLine().AppendLine("```").AppendLine(inv, $"dotnet run -c Release --project src/Cli -- demo --duration {Options.Duration.TotalSeconds:0}s --rate {Options.Rate:0} --rounds {Options.Rounds} --seed {Options.Seed} --out {Options.OutDir}")
            .AppendLine("fastlb run --config " + Path.Combine(Options.OutDir, "fastlb.json") + "   # the proxy alone, with backends at the addresses it names").AppendLine("```");
        return md.ToString();
    }

    private static string Compare(double mine, double theirs)
    {
        if (theirs <= 0) return "no comparison";
        double change = (mine - theirs) / theirs;
        return change <= 0 ? $"fastlb is {-change:P1} lower (better)" : $"fastlb is {change:P1} higher (worse)";
    }

    private static double Ms(HistogramBase histogram, double percentile) => histogram.TotalCount == 0 ? 0 : histogram.GetValueAtPercentile(percentile) / 1000.0;

    private static void Number(Utf8JsonWriter w, string name, double value) => w.WriteNumber(name, double.IsFinite(value) ? Math.Round(value, 3) : 0);
}

using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using FastLb.Policy;
using FastLb.Policy.Catalog;
using FastLb.Policy.Learning;
using FastLb.Policy.Prediction;
using FastLb.RequestLog;
using FastLb.Simulation;
using Spectre.Console;

namespace FastLb.Cli;

/// <summary><c>fastlb sim</c>: runs scenarios in the discrete-event simulator for each policy and prints the scenario tables or the JSON document (docs/FORMATS.md).</summary>
internal static class SimCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var scenario = new Option<string?>("--scenario") { Description = "Scenario under scenarios/: file name (S3-degradation), id (S3), or 'all'" };
        var scenarioFile = new Option<string[]>("--scenario-file") { Description = "Run this scenario file (repeatable)" };
        var policies = new Option<string?>("--policies") { Description = "Comma-separated policy names; default every implemented one" };
        var requests = new Option<long?>("--requests") { Description = "Stop each run after this many measured requests (default: the scenario's duration)" };
        var seed = new Option<ulong>("--seed") { Description = "First seed", DefaultValueFactory = _ => 1 };
        var seeds = new Option<int>("--seeds") { Description = "Seeds per policy (seed, seed+1, ...), merged", DefaultValueFactory = _ => 1 };
        var duration = new Option<string?>("--duration") { Description = "Measured simulated time instead of the scenario's, e.g. 120s or 2m (ramps are scaled)" };
        var warmup = new Option<string?>("--warmup") { Description = "Warm-up simulated time instead of the scenario's, e.g. 10s" };
        var json = new Option<bool>("--json") { Description = "Print the JSON document (docs/FORMATS.md) on stdout and nothing else" };
        var log = new Option<string?>("--log") { Description = "Write every simulated attempt to this request-log CSV (for fastlb train)" };
        var model = new Option<string?>("--model") { Description = "Latency model file for the fastlb policy (made by fastlb train); without it fastlb runs model-free" };
        var noShed = new Option<bool>("--no-shed") { Description = "Do not tell the policies the scenario's deadline, so fastlb sheds nothing (to compare with shedding)" };
        var qEncoding = new Option<string>("--q-encoding") { Description = "State encoding of q_learning: auto (joint up to 8 backends), joint (3^N states) or per-backend", DefaultValueFactory = _ => "auto" };

        var command = new Command("sim", "Compare policies on scenarios in the discrete-event simulator (simulated time, real policy objects)")
        {
            scenario, scenarioFile, policies, requests, seed, seeds, duration, warmup, json, log, model, qEncoding, noShed,
        };
        command.SetAction(parse => Run(
            parse.GetValue(scenario),
            parse.GetValue(scenarioFile) ?? [],
            parse.GetValue(policies),
            parse.GetValue(requests),
            parse.GetValue(seed),
            parse.GetValue(seeds),
            ParseSeconds("--duration", parse.GetValue(duration), allowZero: false),
            ParseSeconds("--warmup", parse.GetValue(warmup), allowZero: true),
            parse.GetValue(json),
            parse.GetValue(log),
            LoadModel(parse.GetValue(model)),
            ParseEncoding(parse.GetValue(qEncoding)),
            shed: !parse.GetValue(noShed)));
        return command;
    }

    private static int Run(string? scenarioName, string[] scenarioFiles, string? policyList, long? maxRequests, ulong seed, int seedCount,
        double? durationS, double? warmupS, bool json, string? logPath, ILatencyModel? model, QStateEncoding encoding, bool shed)
    {
        if (maxRequests is < 1)
        {
            throw new UsageException($"--requests: must be at least 1, found {maxRequests}");
        }

        if (seedCount is < 1 or > 1000)
        {
            throw new UsageException($"--seeds: must be 1 to 1000, found {seedCount}");
        }

        (List<Scenario> scenarios, bool many) = LoadScenarios(scenarioName, scenarioFiles);
        foreach (Scenario scenario in scenarios)
        {
            WarnAboutShortRun(scenario, durationS ?? scenario.DurationS);
            if (encoding == QStateEncoding.Joint && scenario.BackendCount > QLearningPolicy.MaxJointBackends)
            {
                throw new UsageException($"--q-encoding joint: scenario {scenario.Key} has {scenario.BackendCount} backends; the joint encoding (3^N states) takes at most {QLearningPolicy.MaxJointBackends}");
            }
        }

        List<string> names = ParsePolicies(policyList);
        IAnsiConsole errors = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        FileStream? logStream = null;
        try
        {
            if (logPath is not null)
            {
                logStream = OpenLog(logPath);
            }

            var total = Stopwatch.StartNew();
            SuiteResult suite = null!;
            errors.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .Start(progress => suite = SuiteRunner.Run(new SuiteOptions
                {
                    Scenarios = scenarios,
                    Policies = names,
                    Seed = seed,
                    Seeds = seedCount,
                    MaxRequests = maxRequests,
                    DurationS = durationS,
                    WarmupS = warmupS,
                    Log = logStream,
                    Model = model,
                    QEncoding = encoding,
                    Shed = shed,
                    Progress = (scenario, name) => Track(progress.AddTask($"{Markup.Escape(scenario.Key)} {Markup.Escape(name)}", maxValue: 1)),
                }));

            // A policy that is named but not built yet is skipped with a warning, so that a
            // comparison still runs while the policies arrive one by one.
            foreach ((string name, string reason) in suite.Skipped)
            {
                Console.Error.WriteLine($"fastlb sim: warning: skipping policy '{name}': {reason}");
            }

            if (suite.Ran.Count == 0)
            {
                Console.Error.WriteLine("fastlb sim: no policy left to run");
                return CliRunner.RuntimeFailure;
            }

            // A policy that throws is a bug in it, not in the comparison: the others ran; exit 1.
            foreach (SuiteFailure failure in suite.Failures)
            {
                Console.Error.WriteLine($"fastlb sim: error: policy '{failure.Policy}' failed in {failure.Scenario}: {failure.Exception}");
            }

            Console.Error.WriteLine($"fastlb sim: {scenarios.Count} scenario(s) x {suite.Ran.Count} polic{(suite.Ran.Count == 1 ? "y" : "ies")} x {seedCount} seed(s) in {total.Elapsed.TotalSeconds:F1} s");
            if (json)
            {
                WriteJson(suite.Reports, many);
            }
            else
            {
                SimTables.Write(suite.Reports);
            }

            return suite.Failures.Count == 0 ? CliRunner.Ok : CliRunner.RuntimeFailure;
        }
        finally
        {
            logStream?.Dispose();
        }
    }

    /// <summary>Feeds a run's progress to its bar, stopping the bar when the run ends.</summary>
    private static Action<double> Track(ProgressTask task) => fraction =>
    {
        task.Value = fraction;
        if (fraction >= 1)
        {
            task.StopTask();
        }
    };

    /// <summary>A shortened run (--duration) can end before a schedule or watch window: say so rather than report empty windows silently.</summary>
    private static void WarnAboutShortRun(Scenario scenario, double durationS)
    {
        foreach (ScheduleEntrySpec entry in scenario.Spec.Schedule ?? [])
        {
            if (entry.ToS > durationS)
            {
                Console.Error.WriteLine($"fastlb sim: warning: {scenario.Key}: the run ends at {durationS:0.#} s, before schedule window b{entry.Backend} {entry.FromS:0.#}-{entry.ToS:0.#} s ends");
            }
        }

        foreach (WatchSpec watch in scenario.Spec.Watch ?? [])
        {
            if (watch.ToS + 1 > durationS)
            {
                Console.Error.WriteLine($"fastlb sim: warning: {scenario.Key}: the run ends at {durationS:0.#} s, too early to measure recovery of b{watch.Backend} after {watch.ToS:0.#} s");
            }
        }
    }

    private static ILatencyModel? LoadModel(string? path)
    {
        if (path is null)
        {
            return null;
        }

        try
        {
            return LatencyModelFile.Parse(File.ReadAllBytes(path), path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--model: cannot read model '{path}': {e.Message}");
        }
        catch (LatencyModelException e)
        {
            throw new UsageException($"--model: {e.Message}");
        }
    }

    private static QStateEncoding ParseEncoding(string? value) => value switch
    {
        null or "auto" => QStateEncoding.Auto,
        "joint" => QStateEncoding.Joint,
        "per-backend" => QStateEncoding.PerBackend,
        _ => throw new UsageException($"--q-encoding: expected auto, joint or per-backend, found '{value}'"),
    };

    private static (List<Scenario> Scenarios, bool Many) LoadScenarios(string? name, string[] files)
    {
        if (name is null && files.Length == 0)
        {
            throw new UsageException("--scenario NAME|all or --scenario-file PATH is required");
        }

        var paths = new List<string>();
        bool many = files.Length > 1 || (name is not null && files.Length > 0);
        if (name is not null)
        {
            string? folder = ScenarioCatalog.FindFolder()
                ?? throw new UsageException($"--scenario: no '{ScenarioCatalog.FolderName}' folder here or above the executable; use --scenario-file PATH");
            if (string.Equals(name, "all", StringComparison.OrdinalIgnoreCase))
            {
                paths.AddRange(ScenarioCatalog.List(folder));
                many = true;
            }
            else
            {
                string? path = ScenarioCatalog.Resolve(folder, name);
                if (path is null)
                {
                    string known = string.Join(", ", ScenarioCatalog.List(folder).Select(Path.GetFileNameWithoutExtension));
                    throw new UsageException($"--scenario: unknown scenario '{name}'; known: {known}, all");
                }

                paths.Add(path);
            }
        }

        foreach (string file in files)
        {
            if (!File.Exists(file))
            {
                throw new UsageException($"--scenario-file: no such file '{file}'");
            }

            paths.Add(file);
        }

        var scenarios = new List<Scenario>();
        foreach (string path in paths)
        {
            try
            {
                scenarios.Add(ScenarioLoader.Load(path));
            }
            catch (ScenarioException e)
            {
                throw new UsageException(e.Message);
            }
        }

        return (scenarios, many);
    }

    private static List<string> ParsePolicies(string? list)
    {
        if (list is null)
        {
            return [.. PolicyFactory.Implemented];
        }

        var names = new List<string>();
        foreach (string part in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!PolicyNames.All.Contains(part))
            {
                throw new UsageException($"--policies: unknown policy '{part}'; known: {string.Join(", ", PolicyNames.All)}");
            }

            if (!names.Contains(part))
            {
                names.Add(part);
            }
        }

        if (names.Count == 0)
        {
            throw new UsageException("--policies: no policy named");
        }

        return names;
    }

    /// <summary>Seconds from "90", "90s", "1.5m" or "1h"; null when not given.</summary>
    internal static double? ParseSeconds(string flag, string? text, bool allowZero)
    {
        if (text is null)
        {
            return null;
        }

        string number = text.Trim();
        double unit = 1;
        if (number.EndsWith("ms", StringComparison.OrdinalIgnoreCase))
        {
            unit = 0.001;
            number = number[..^2];
        }
        else if (number.Length > 0 && char.IsLetter(number[^1]))
        {
            unit = char.ToLowerInvariant(number[^1]) switch { 's' => 1, 'm' => 60, 'h' => 3600, _ => double.NaN };
            number = number[..^1];
        }

        if (double.IsNaN(unit) || !double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            || !double.IsFinite(value) || value < 0 || (value == 0 && !allowZero))
        {
            throw new UsageException($"{flag}: expected a {(allowZero ? "non-negative" : "positive")} duration such as 120s or 2m, found '{text}'");
        }

        return value * unit;
    }

    private static FileStream OpenLog(string path)
    {
        try
        {
            string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
            if (dir is not null)
            {
                Directory.CreateDirectory(dir);
            }

            var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
            var header = new System.Buffers.ArrayBufferWriter<byte>();
            RequestLogCsv.WriteHeader(header);
            stream.Write(header.WrittenSpan);
            return stream;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--log: cannot write '{path}': {e.Message}");
        }
    }

    private static void WriteJson(IReadOnlyList<ScenarioReport> reports, bool many)
    {
        using Stream stdout = Console.OpenStandardOutput();
        using (var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true }))
        {
            if (many)
            {
                SimulationJson.WriteAll(writer, reports);
            }
            else
            {
                SimulationJson.WriteScenario(writer, reports[0]);
            }
        }

        stdout.Write("\n"u8);
    }
}

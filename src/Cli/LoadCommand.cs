using System.CommandLine;
using System.Runtime.InteropServices;
using System.Text.Json;
using FastLb.Load;
using Spectre.Console;

namespace FastLb.Cli;

/// <summary><c>fastlb load</c>: sends HTTP requests at a rate (open loop, no coordinated omission) or back to back (closed loop) and reports latency percentiles.</summary>
internal static class LoadCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = "Target URL; without --mix every request is a GET of its path", Required = true };
        var rate = new Option<double?>("--rate") { Description = "Requests per second (open loop); required unless --closed" };
        var duration = new Option<string>("--duration") { Description = "How long to send, e.g. 30s or 2m", Required = true };
        var connections = new Option<int>("--connections") { Description = "Most connections (closed loop: requests kept going)", DefaultValueFactory = _ => 64 };
        var mix = new Option<string?>("--mix") { Description = "Request mix file: {\"requests\":[{\"weight\",\"method\",\"path\",\"body\",\"headers\"}]}" };
        var closed = new Option<bool>("--closed") { Description = "Closed loop: each connection sends its next request when the previous one answers" };
        var poisson = new Option<bool>("--poisson") { Description = "Open loop with Poisson arrivals instead of evenly spaced ones" };
        var warmup = new Option<string>("--warmup") { Description = "Sent first and not measured (connections open, code compiles), e.g. 2s; 0 measures from the first request", DefaultValueFactory = _ => "1s" };
        var timeout = new Option<string>("--timeout") { Description = "A request slower than this counts as a timeout", DefaultValueFactory = _ => "10s" };
        var seed = new Option<int>("--seed") { Description = "Seed of the arrivals and of the mix", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON (docs/FORMATS.md) on stdout and nothing else" };

        var command = new Command("load", "Send HTTP load at a rate (open loop) or back to back (closed loop) and report latency percentiles (HdrHistogram)")
        {
            url, rate, duration, warmup, connections, mix, closed, poisson, timeout, seed, json,
        };
        command.SetAction(parse => Run(
            parse.GetValue(url)!,
            parse.GetValue(rate),
            SimCommand.ParseSeconds("--duration", parse.GetValue(duration), allowZero: false)!.Value,
            SimCommand.ParseSeconds("--warmup", parse.GetValue(warmup), allowZero: true)!.Value,
            parse.GetValue(connections),
            parse.GetValue(mix),
            parse.GetValue(closed),
            parse.GetValue(poisson),
            SimCommand.ParseSeconds("--timeout", parse.GetValue(timeout), allowZero: false)!.Value,
            parse.GetValue(seed),
            parse.GetValue(json)));
        return command;
    }

    private static int Run(string url, double? rate, double durationS, double warmupS, int connections, string? mixPath, bool closed, bool poisson, double timeoutS, int seed, bool json)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? target) || target.Scheme != Uri.UriSchemeHttp)
        {
            throw new UsageException($"--url: expected an absolute http:// URL, found '{url}'");
        }

        if (!closed && rate is null) throw new UsageException("--rate: required for an open-loop run (or give --closed)");
        if (closed && poisson) throw new UsageException("--poisson: only for an open-loop run, not with --closed");
        IRequestSource source;
        try
        {
            source = mixPath is null ? RequestMix.Single(target.PathAndQuery) : RequestMix.Load(mixPath);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--mix: {e.Message}");
        }

        var options = new LoadOptions
        {
            Target = new Uri(target.GetLeftPart(UriPartial.Authority) + "/"),
            Rate = rate ?? 0,
            Duration = TimeSpan.FromSeconds(durationS),
            Warmup = TimeSpan.FromSeconds(warmupS),
            Connections = connections,
            Closed = closed,
            Arrivals = poisson ? ArrivalKind.Poisson : ArrivalKind.Constant,
            RequestTimeout = TimeSpan.FromSeconds(timeoutS),
            Seed = seed,
        };
        IReadOnlyList<string> errors = options.Validate();
        if (errors.Count > 0) throw new UsageException(string.Join("; ", errors));

        using var stop = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        try
        {
            LoadResult result = RunWithProgressAsync(options, source, stop.Token).GetAwaiter().GetResult();
            if (json)
            {
                using var writer = new Utf8JsonWriter(Console.OpenStandardOutput(), new JsonWriterOptions { Indented = true });
                LoadResultJson.Write(writer, result);
                writer.Flush();
                Console.Out.WriteLine();
            }
            else
            {
                WriteTable(result);
            }

            if (result.Responses == 0)
            {
                Console.Error.WriteLine($"fastlb load: no response from {options.Target} ({result.TransportErrors} connection failures, {result.Timeouts} timeouts)");
                return CliRunner.RuntimeFailure;
            }

            return CliRunner.Ok;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static async Task<LoadResult> RunWithProgressAsync(LoadOptions options, IRequestSource source, CancellationToken cancellationToken)
    {
        await using var generator = new LoadGenerator(options, source);
        IAnsiConsole errors = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        Task<LoadResult> run = generator.RunAsync(cancellationToken);
        double total = options.Warmup.TotalSeconds + options.Duration.TotalSeconds;
        await errors.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async progress =>
            {
                ProgressTask task = progress.AddTask("starting", maxValue: total);
                while (!run.IsCompleted)
                {
                    await Task.WhenAny(run, Task.Delay(500, CancellationToken.None)).ConfigureAwait(false);
                    LoadProgress p = generator.TakeProgress();
                    task.Value = Math.Min(total, p.ElapsedS);
                    task.Description = Markup.Escape($"{p.IntervalRps,7:F0} req/s  p50 {p.IntervalP50Ms,7:F2} ms  p99 {p.IntervalP99Ms,7:F2} ms  errors {p.Errors}  in flight {p.InFlight}");
                }
            }).ConfigureAwait(false);
        return await run.ConfigureAwait(false);
    }

    private static void WriteTable(LoadResult result)
    {
        var table = new Table().AddColumns("measure", "value");
        table.AddRow("mode", result.Options.Closed ? $"closed loop, {result.Options.Connections} connections" : $"open loop, {result.Options.Arrivals.ToString().ToLowerInvariant()} arrivals at {result.Options.Rate:0.##} req/s");
        table.AddRow("sent / responses", $"{result.Sent} / {result.Responses}");
        table.AddRow("achieved send rate", $"{result.AchievedRps:F1} req/s");
        table.AddRow("throughput", $"{result.ThroughputRps:F1} req/s");
        table.AddRow("errors", $"{result.Errors} ({result.ErrorRate:P2}): 5xx {result.StatusClasses[5]}, timeouts {result.Timeouts}, transport {result.TransportErrors}, dropped {result.Dropped}");
        foreach ((string name, double percentile) in LoadResultJson.Percentiles)
        {
            table.AddRow(name.Replace("_ms", string.Empty, StringComparison.Ordinal), $"{result.PercentileMs(percentile):F3} ms");
        }

        table.AddRow("max / mean / stddev", $"{result.MaxMs:F3} / {result.MeanMs:F3} / {result.StdDevMs:F3} ms");
        if (result.Cancelled) table.AddRow("stopped", "early (Ctrl-C or SIGTERM)");
        AnsiConsole.Write(table);
    }
}

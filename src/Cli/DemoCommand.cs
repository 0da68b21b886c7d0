using System.CommandLine;
using System.Runtime.InteropServices;
using FastLb.Cli.Demo;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace FastLb.Cli;

/// <summary><c>fastlb demo</c>: the shop on loopback behind FastLb, collect -> train -> compare -> report, with live progress.</summary>
internal static class DemoCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var duration = new Option<string>("--duration") { Description = "The whole run, setup to report, e.g. 120s or 5m", DefaultValueFactory = _ => "120s" };
        var output = new Option<string>("--out") { Description = "Report folder (report.md, results.json, requests.csv, fastlb.json, model/, charts)", DefaultValueFactory = _ => "demo-report" };
        var rate = new Option<double>("--rate") { Description = "Shop traffic in requests per second (open loop, Poisson), at most 1800", DefaultValueFactory = _ => 400 };
        var rounds = new Option<int>("--rounds") { Description = "Turns of each policy in the compare phase, interleaved", DefaultValueFactory = _ => 2 };
        var seed = new Option<int>("--seed") { Description = "Seed of the traffic and of the turn order", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Print results.json on stdout (progress stays on stderr)" };
        var command = new Command("demo", "The shop's six services on loopback behind FastLb: collect a request log, train the model, hot-load it, compare six policies, write a report")
        {
            duration, output, rate, rounds, seed, json,
        };
        command.SetAction(parse =>
        {
            var options = new DemoOptions
            {
                Duration = TimeSpan.FromSeconds(SimCommand.ParseSeconds("--duration", parse.GetValue(duration), allowZero: false)!.Value),
                OutDir = parse.GetValue(output)!,
                Rate = parse.GetValue(rate),
                Rounds = parse.GetValue(rounds),
                Seed = parse.GetValue(seed),
            };
            IReadOnlyList<string> errors = options.Validate();
            if (errors.Count > 0) throw new UsageException(string.Join("; ", errors));
            return Run(options, parse.GetValue(json));
        });
        return command;
    }

    private static int Run(DemoOptions options, bool json)
    {
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
            DemoReport report = Console.IsErrorRedirected ? RunPlain(options, stop.Token) : RunLive(options, stop.Token);
            if (json)
            {
                Console.Out.Write(report.Json());
            }
            else
            {
                Console.Out.WriteLine(report.VerdictText());
                Console.Out.WriteLine($"Report: {Path.Combine(Path.GetFullPath(options.OutDir), "report.md")}");
            }

            return CliRunner.Ok;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            Console.Error.WriteLine("fastlb demo: stopped; every process and port it opened is closed");
            return CliRunner.RuntimeFailure;
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or IOException or OperationCanceledException or System.Text.Json.JsonException)
        {
            // A part that failed (the proxy, the trainer, the admin endpoint timing out): everything was stopped on the way out.
            Console.Error.WriteLine($"fastlb demo: {e.Message}");
            return CliRunner.RuntimeFailure;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static DemoReport RunPlain(DemoOptions options, CancellationToken cancellationToken)
    {
        // Redirected stderr (a log, a test): one line when the phase or policy changes.
        string last = string.Empty;
        var runner = new DemoRunner(options, status =>
        {
            string now = $"{status.Phase} {status.Policy}";
            if (now == last) return;
            last = now;
            Console.Error.WriteLine($"fastlb demo: {status.ElapsedS,6:F1} s  {status.Phase,-8} {status.Policy,-20} {status.Detail}  {status.Traffic.IntervalRps:F0} req/s  p99 {status.Traffic.IntervalP99Ms:F1} ms  errors {status.Traffic.Errors}");
        });
        return runner.RunAsync(cancellationToken).GetAwaiter().GetResult();
    }

    private static DemoReport RunLive(DemoOptions options, CancellationToken cancellationToken)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        DemoReport report = null!;
        console.Live(new Text("fastlb demo: starting the shop")).AutoClear(false).Start(context =>
        {
            var runner = new DemoRunner(options, status =>
            {
                context.UpdateTarget(Render(status));
                context.Refresh();
            });
            report = runner.RunAsync(cancellationToken).GetAwaiter().GetResult();
        });
        return report;
    }

    private static IRenderable Render(DemoStatus status)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("", "");
        table.AddRow("phase", $"[bold]{Markup.Escape(status.Phase)}[/]  {Markup.Escape(status.Policy)}  [grey]{Markup.Escape(status.Detail)}[/]");
        table.AddRow("time", $"{status.ElapsedS:F0} / {status.TotalS:F0} s");
        table.AddRow("traffic", $"{status.Traffic.IntervalRps:F0} req/s   p50 {status.Traffic.IntervalP50Ms:F1} ms   p99 {status.Traffic.IntervalP99Ms:F1} ms   errors {status.Traffic.Errors}   in flight {status.Traffic.InFlight}");
        table.AddRow("faults", (status.Degraded ? "[yellow]an inventory instance is degraded[/]  " : string.Empty) + (status.Failing ? "[red]a cart instance fails[/]" : string.Empty));
        foreach (IGrouping<string, KeyValuePair<string, double>> pool in status.Share.GroupBy(p => p.Key[..p.Key.LastIndexOf('-')]))
        {
            table.AddRow(Markup.Escape(pool.Key), string.Join("  ", pool.Select(p => $"{Markup.Escape(p.Key)} {p.Value,4:P0}")));
        }

        return table;
    }
}

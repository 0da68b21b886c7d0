using System.CommandLine;
using System.Globalization;
using System.Text;
using FastLb.Policy.Prediction;
using FastLb.RequestLog;
using FastLb.Training;
using Spectre.Console;

namespace FastLb.Cli;

/// <summary><c>fastlb train</c>: request logs (CSV or PostgreSQL) to a latency model, with a report beside it.</summary>
internal static class TrainCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var logs = new Option<string[]>("--logs")
        {
            Description = "Request-log CSV files or folders of them (columns: docs/FORMATS.md)",
            AllowMultipleArgumentsPerToken = true,
        };
        var postgres = new Option<string?>("--postgres") { Description = "PostgreSQL connection string; reads table request_log" };
        var output = new Option<string>("--out")
        {
            Description = "Model file to write (reports go beside it)",
            DefaultValueFactory = _ => "models/latency.model",
        };
        var validate = new Option<string?>("--validate") { Description = "Request log to validate on instead of the latest 20% by time" };
        var json = new Option<bool>("--json") { Description = "Print the training report (docs/FORMATS.md) on stdout and nothing else" };
        var defaults = new LatencyTrainingOptions();
        var trees = new Option<int>("--trees", "--rounds") { Description = "Most trees (boosting rounds)", DefaultValueFactory = _ => defaults.Trees };
        var leaves = new Option<int>("--leaves") { Description = "Leaves per tree", DefaultValueFactory = _ => defaults.Leaves };
        var learningRate = new Option<double>("--learning-rate", "--eta") { Description = "Learning rate", DefaultValueFactory = _ => defaults.LearningRate };
        var minLeaf = new Option<int>("--min-examples-per-leaf")
        {
            Description = "Fewest training rows in a leaf",
            DefaultValueFactory = _ => defaults.MinExamplesPerLeaf,
        };
        var earlyStopping = new Option<double>("--early-stopping")
        {
            Description = "Stop when the validation loss is this fraction above its best, keeping the trees up to the best; 0 grows every tree",
            DefaultValueFactory = _ => defaults.EarlyStopping,
        };
        var maxBins = new Option<int>("--max-bins") { Description = "Histogram bins per feature", DefaultValueFactory = _ => defaults.MaxBins };
        var threads = new Option<int>("--threads") { Description = "Training threads; 0 for one per core", DefaultValueFactory = _ => 0 };

        var command = new Command("train", "Train the latency model from logged requests (ML.NET FastTree)")
        {
            logs, postgres, output, validate, json, trees, leaves, learningRate, minLeaf, earlyStopping, maxBins, threads,
        };
        command.SetAction(parse =>
        {
            string[] logPaths = parse.GetValue(logs) ?? [];
            string? connection = parse.GetValue(postgres);
            if ((logPaths.Length > 0) == (connection is not null))
            {
                throw new UsageException("give either --logs PATH... or --postgres CONNSTR");
            }

            string modelPath = parse.GetValue(output) ?? "models/latency.model";
            if (string.IsNullOrWhiteSpace(modelPath) || Directory.Exists(modelPath))
            {
                throw new UsageException($"--out '{modelPath}' must name a file");
            }

            var options = new LatencyTrainingOptions
            {
                Trees = parse.GetValue(trees),
                Leaves = parse.GetValue(leaves),
                LearningRate = parse.GetValue(learningRate),
                MinExamplesPerLeaf = parse.GetValue(minLeaf),
                EarlyStopping = parse.GetValue(earlyStopping),
                MaxBins = parse.GetValue(maxBins),
                Threads = parse.GetValue(threads),
            };
            try
            {
                options.Validate();
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new UsageException($"--{Flag(e.ParamName)}: {e.Message.Split(" (Parameter")[0]}");
            }

            var request = new LatencyTrainingRequest
            {
                Command = CommandLine(),
                Logs = logPaths,
                Source = connection is null ? null : (b, r) => PostgresRequestLogSource.Read(connection, b, r),
                SourceName = connection is null ? string.Empty : "postgres:request_log",
                ValidationPath = parse.GetValue(validate),
                ModelPath = modelPath,
                Options = options,
            };
            return Run(request, parse.GetValue(json));
        });
        return command;
    }

    private static int Run(LatencyTrainingRequest request, bool json)
    {
        // Progress and tables on stderr when stdout carries the JSON document.
        IAnsiConsole progressConsole = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        IAnsiConsole tableConsole = json ? progressConsole : AnsiConsole.Console;
        LatencyTrainingReport report;
        try
        {
            report = RunWithProgress(progressConsole, request);
        }
        catch (RequestLogException e)
        {
            throw new UsageException(e.Message);
        }
        catch (InvalidOperationException e)
        {
            // ML.NET reports a training failure (out of memory aside) as InvalidOperationException.
            Console.Error.WriteLine($"fastlb: training failed: {e.Message}");
            return CliRunner.RuntimeFailure;
        }
        catch (Npgsql.NpgsqlException e)
        {
            // The server is down, refuses us or fails mid-copy: a runtime failure, not bad usage.
            Console.Error.WriteLine($"fastlb: --postgres: {e.Message}");
            return CliRunner.RuntimeFailure;
        }

        Render(tableConsole, report);
        if (json)
        {
            using Stream stdout = Console.OpenStandardOutput();
            stdout.Write(report.ToJson(indented: false));
            stdout.Write("\n"u8);
        }

        return CliRunner.Ok;
    }

    private static LatencyTrainingReport RunWithProgress(IAnsiConsole console, LatencyTrainingRequest request)
    {
        var job = new LatencyTrainingJob(TimeProvider.System);
        LatencyTrainingReport? report = null;
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                ProgressTask reading = context.AddTask("reading request logs", maxValue: 1);
                reading.IsIndeterminate = true;

                // FastTree reports no progress per tree, so boosting shows as running until it ends.
                ProgressTask boosting = context.AddTask($"boosting up to {request.Options.Trees} trees", autoStart: false, maxValue: 1);
                report = job.Run(
                    request,
                    stage =>
                    {
                        if (stage == "training")
                        {
                            reading.IsIndeterminate = false;
                            reading.Value = 1;
                            reading.StopTask();
                            boosting.StartTask();
                            boosting.IsIndeterminate = true;
                        }
                    });
                boosting.IsIndeterminate = false;
                boosting.Value = boosting.MaxValue;
                boosting.StopTask();
            });
        return report!;
    }

    private static void Render(IAnsiConsole console, LatencyTrainingReport report)
    {
        LatencyTrainingResult result = report.Result;
        console.MarkupLine(Markup.Escape(string.Create(
            CultureInfo.InvariantCulture,
            $"{report.Lines:N0} lines ({report.BadLines:N0} bad) read in {report.LoadSeconds:0.00} s; {result.Model.Header.TrainRecords:N0} train / {result.Model.Header.ValidationRecords:N0} validation rows ({report.Split}); {result.TreeCount} trees in {result.TrainSeconds:0.00} s")));
        foreach (string sample in report.BadLineSamples)
        {
            console.MarkupLine("[yellow]bad line[/] " + Markup.Escape(sample));
        }

        var table = new Table().Title("validation").AddColumns("predictor", "RMSE ms", "MAE ms", "R2", "p50 abs err ms", "p90 abs err ms");
        AddRow(table, "[bold]model[/]", result.Validation);
        foreach (var (name, metrics) in result.Baselines)
        {
            AddRow(table, Markup.Escape(name), metrics);
        }

        console.Write(table);
        var importance = new Table().Title("feature importance (gain)").AddColumns("feature", "share");
        foreach (var (name, share) in result.Importance)
        {
            importance.AddRow(Markup.Escape(name), share.ToString("P1", CultureInfo.InvariantCulture));
        }

        console.Write(importance);
        var (markdown, json) = LatencyTrainingJob.ReportPaths(report.ModelPath);
        console.MarkupLine(Markup.Escape($"model: {report.ModelPath}; reports: {markdown}, {json}"));
    }

    private static void AddRow(Table table, string name, RegressionMetrics m)
    {
        var c = CultureInfo.InvariantCulture;
        table.AddRow(name, m.RmseMs.ToString("0.000", c), m.MaeMs.ToString("0.000", c), m.R2.ToString("0.0000", c),
            m.P50AbsErrorMs.ToString("0.000", c), m.P90AbsErrorMs.ToString("0.000", c));
    }

    private static string Flag(string? parameter) => parameter switch
    {
        nameof(LatencyTrainingOptions.LearningRate) => "learning-rate",
        nameof(LatencyTrainingOptions.MinExamplesPerLeaf) => "min-examples-per-leaf",
        nameof(LatencyTrainingOptions.EarlyStopping) => "early-stopping",
        nameof(LatencyTrainingOptions.MaxBins) => "max-bins",
        _ => (parameter ?? "option").ToLowerInvariant(),
    };

    /// <summary>The command line as typed, quoted where needed, for the report; a password in --postgres is masked.</summary>
    private static string CommandLine()
    {
        var text = new StringBuilder("fastlb");
        string previous = string.Empty;
        foreach (string typed in Environment.GetCommandLineArgs().AsSpan(1))
        {
            // The report is committed beside the model: a connection string's password must not be in it.
            string arg = previous == "--postgres" ? MaskPassword(typed) : typed;
            previous = typed;
            text.Append(' ');
            text.Append(arg.Length > 0 && arg.AsSpan().IndexOfAny(" \"'$\\") < 0 ? arg : "'" + arg.Replace("'", "'\\''") + "'");
        }

        return text.ToString();
    }

    private static string MaskPassword(string connectionString)
    {
        var parts = connectionString.Split(';');
        for (int i = 0; i < parts.Length; i++)
        {
            string key = parts[i].Split('=')[0].Trim();
            if (key.Equals("password", StringComparison.OrdinalIgnoreCase) || key.Equals("pwd", StringComparison.OrdinalIgnoreCase))
            {
                parts[i] = key + "=***";
            }
        }

        return string.Join(';', parts);
    }
}

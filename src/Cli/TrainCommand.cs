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
        var rounds = new Option<int>("--rounds") { Description = "Most boosting rounds", DefaultValueFactory = _ => defaults.Rounds };
        var maxDepth = new Option<int>("--max-depth") { Description = "Deepest tree", DefaultValueFactory = _ => defaults.MaxDepth };
        var eta = new Option<double>("--eta") { Description = "Learning rate", DefaultValueFactory = _ => defaults.Eta };
        var earlyStopping = new Option<int>("--early-stopping")
        {
            Description = "Stop after this many rounds without a better validation RMSE; 0 trains every round",
            DefaultValueFactory = _ => defaults.EarlyStoppingRounds,
        };
        var minChildWeight = new Option<double>("--min-child-weight")
        {
            Description = "Least rows (hessian) in a leaf",
            DefaultValueFactory = _ => defaults.MinChildWeight,
        };
        var threads = new Option<int>("--threads") { Description = "XGBoost threads; 0 for one per core", DefaultValueFactory = _ => 0 };

        var command = new Command("train", "Train the latency model from logged requests (XGBoost; needs apt package libxgboost0)")
        {
            logs, postgres, output, validate, json, rounds, maxDepth, eta, earlyStopping, minChildWeight, threads,
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
                Rounds = parse.GetValue(rounds),
                MaxDepth = parse.GetValue(maxDepth),
                Eta = parse.GetValue(eta),
                EarlyStoppingRounds = parse.GetValue(earlyStopping),
                MinChildWeight = parse.GetValue(minChildWeight),
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
        XGBoostLibrary xgboost;
        try
        {
            xgboost = XGBoostLibrary.Load();
        }
        catch (XGBoostMissingException e)
        {
            Console.Error.WriteLine($"fastlb: {e.Message}");
            return CliRunner.RuntimeFailure;
        }

        LatencyTrainingReport report;
        try
        {
            report = RunWithProgress(progressConsole, xgboost, request);
        }
        catch (RequestLogException e)
        {
            throw new UsageException(e.Message);
        }
        catch (XGBoostException e)
        {
            Console.Error.WriteLine($"fastlb: {e.Message}");
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

    private static LatencyTrainingReport RunWithProgress(IAnsiConsole console, XGBoostLibrary xgboost, LatencyTrainingRequest request)
    {
        var job = new LatencyTrainingJob(xgboost, TimeProvider.System);
        LatencyTrainingReport? report = null;
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                ProgressTask reading = context.AddTask("reading request logs", maxValue: 1);
                reading.IsIndeterminate = true;
                ProgressTask boosting = context.AddTask("boosting", autoStart: false, maxValue: request.Options.Rounds);
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
                        }
                    },
                    round =>
                    {
                        boosting.Value = round.Round;
                        boosting.Description = string.Create(
                            CultureInfo.InvariantCulture,
                            $"boosting: round {round.Round}, validation RMSE {round.ValidationRmseMs:0.000} ms (best {round.BestRmseMs:0.000} at {round.BestRound})");
                    });
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
            $"{report.Lines:N0} lines ({report.BadLines:N0} bad) read in {report.LoadSeconds:0.00} s; {result.Model.Header.TrainRecords:N0} train / {result.Model.Header.ValidationRecords:N0} validation rows ({report.Split}); {result.Trees} trees in {result.TrainSeconds:0.00} s")));
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
        nameof(LatencyTrainingOptions.MaxDepth) => "max-depth",
        nameof(LatencyTrainingOptions.EarlyStoppingRounds) => "early-stopping",
        nameof(LatencyTrainingOptions.MinChildWeight) => "min-child-weight",
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

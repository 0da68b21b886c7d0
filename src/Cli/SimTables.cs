using System.Globalization;
using FastLb.Simulation;
using Spectre.Console;

namespace FastLb.Cli;

/// <summary>The tables <c>fastlb sim</c> prints per scenario: the main percentiles, ramp steps, watched windows, and shares of picks.</summary>
internal static class SimTables
{
    /// <summary>Writes every report's tables to stdout; plain text without escape codes when stdout is redirected.</summary>
    public static void Write(IReadOnlyList<ScenarioReport> reports)
    {
        // Redirected output (a file, a pipe into the README) gets plain text without escape codes.
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Out),
            Ansi = Console.IsOutputRedirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = Console.IsOutputRedirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = 200;
        }

        foreach (ScenarioReport report in reports)
        {
            Scenario scenario = report.Scenario;
            string length = report.MaxRequests is { } max ? $"at most {max:N0} requests" : $"{report.DurationS:0.#} s";
            console.WriteLine();
            console.MarkupLine($"[bold]{Markup.Escape(scenario.Key)}[/]: {scenario.BackendCount} backends, capacity {scenario.CapacityRps:0} rps, "
                + $"{length} after {report.WarmupS:0.#} s warm-up, seed {report.Seed} x {report.Seeds}, {report.WallSeconds:0.0} s wall");
            console.Write(MainTable(report));
            if (report.Results.Count > 0 && report.Results[0].Steps.Length > 0)
            {
                console.Write(StepsTable(report));
            }

            if (report.Results.Count > 0 && report.Results[0].Watches.Length > 0)
            {
                console.Write(WatchTable(report));
            }

            console.Write(ShareTable(report));
        }
    }

    private static Table MainTable(ScenarioReport report)
    {
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn("policy");
        foreach (string column in new[] { "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "mean ms", "rps", "err %", "timeout %", "shed %", "retries", "pick ns" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        bool ramp = report.Results.Count > 0 && report.Results[0].Steps.Length > 0;
        if (ramp)
        {
            table.AddColumn(new TableColumn("goodput@SLO").RightAligned());
        }

        foreach (SimulationResult result in report.Results)
        {
            LatencyHistogram h = result.Latency;
            var cells = new List<string>
            {
                result.Policy,
                Ms(h.Percentile(0.50)), Ms(h.Percentile(0.90)), Ms(h.Percentile(0.99)), Ms(h.Percentile(0.999)), Ms(h.MaxMs), Ms(h.MeanMs),
                result.ThroughputRps.ToString("0", CultureInfo.InvariantCulture),
                Percent(result.ErrorRate), Percent(result.TimeoutRate), Percent(result.ShedRate),
                result.Retries.ToString(CultureInfo.InvariantCulture),
                result.DecisionNs.ToString("0", CultureInfo.InvariantCulture),
            };
            if (ramp)
            {
                cells.Add(result.GoodputLoad is { } load ? $"{load:0.##} ({load * report.Scenario.CapacityRps:0} rps)" : "none");
            }

            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }

        return table;
    }

    private static Table StepsTable(ScenarioReport report)
    {
        var table = new Table().Border(TableBorder.Simple).Title("ramp steps: p99 ms / error %");
        table.AddColumn(new TableColumn("load").RightAligned());
        table.AddColumn(new TableColumn("rps").RightAligned());
        foreach (SimulationResult result in report.Results)
        {
            table.AddColumn(new TableColumn(Markup.Escape(result.Policy)).RightAligned());
        }

        StepResult[] steps = report.Results[0].Steps;
        for (int i = 0; i < steps.Length; i++)
        {
            var cells = new List<string> { steps[i].Load.ToString("0.##", CultureInfo.InvariantCulture), steps[i].Rps.ToString("0", CultureInfo.InvariantCulture) };
            foreach (SimulationResult result in report.Results)
            {
                StepResult step = result.Steps[i];
                string mark = step.MeetsSlo(result.Slo) ? "" : " x";
                cells.Add($"{Ms(step.Latency.Percentile(0.99))} / {Percent(step.ErrorRate)}{mark}");
            }

            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }

        table.Caption("x: misses the SLO (p99 <= 100 ms, errors <= 0.1%)");
        return table;
    }

    private static Table WatchTable(ScenarioReport report)
    {
        var table = new Table().Border(TableBorder.Simple).Title("watched windows (times after warm-up)");
        table.AddColumn("window");
        table.AddColumn("policy");
        foreach (string column in new[] { "share %", "divert below %", "divert s", "recover at %", "recover s", "p99 ms", "p99.9 ms" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        for (int w = 0; w < report.Results[0].Watches.Length; w++)
        {
            foreach (SimulationResult result in report.Results)
            {
                WatchResult watch = result.Watches[w];
                table.AddRow(
                    Markup.Escape($"{watch.BackendId} {watch.FromS:0}-{watch.ToS:0} s"),
                    Markup.Escape(result.Policy),
                    Percent(watch.MeanWindowShare),
                    Percent(watch.DivertShare),
                    watch.MeanDivertS is { } d ? d.ToString("0.0", CultureInfo.InvariantCulture) : "never",
                    Percent(watch.RecoverShare),
                    watch.MeanRecoveryS is { } r ? r.ToString("0.0", CultureInfo.InvariantCulture) : "never",
                    Ms(watch.Window.Percentile(0.99)),
                    Ms(watch.Window.Percentile(0.999)));
            }
        }

        table.Caption("divert: onset to the end of the first 1 s window with share under the threshold; recover: end of impairment to share back at the threshold");
        return table;
    }

    private static Table ShareTable(ScenarioReport report)
    {
        var table = new Table().Border(TableBorder.Simple).Title("share of picks vs share of capacity");
        table.AddColumn("backend");
        table.AddColumn(new TableColumn("capacity").RightAligned());
        foreach (SimulationResult result in report.Results)
        {
            table.AddColumn(new TableColumn(Markup.Escape(result.Policy)).RightAligned());
        }

        if (report.Results.Count == 0)
        {
            return table;
        }

        SimulationResult first = report.Results[0];
        for (int i = 0; i < first.BackendIds.Length; i++)
        {
            var cells = new List<string> { first.BackendIds[i], Percent(first.CapacityShare[i]) };
            foreach (SimulationResult result in report.Results)
            {
                cells.Add(Percent(result.Share(i)));
            }

            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }

        return table;
    }

    private static string Ms(double value) => value.ToString(value < 100 ? "0.00" : "0.0", CultureInfo.InvariantCulture);

    private static string Percent(double fraction) => (fraction * 100).ToString(fraction < 0.01 ? "0.000" : "0.00", CultureInfo.InvariantCulture);
}

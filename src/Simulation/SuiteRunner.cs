using System.Diagnostics;
using FastLb.Policy;
using FastLb.Policy.Catalog;
using FastLb.Policy.Learning;

namespace FastLb.Simulation;

/// <summary>Runs a suite: every scenario for every policy over the seeds asked, one <see cref="ScenarioReport"/> per scenario.</summary>
/// <remarks>
/// What <c>fastlb sim</c> does between parsing its options and printing: policies that cannot be
/// created are skipped with a reason (so a comparison still runs while policies arrive one by
/// one), and a policy that throws is recorded as a failure while the others go on.
/// </remarks>
internal static class SuiteRunner
{
    /// <summary>Runs <paramref name="options"/>; never throws for a failing policy.</summary>
    public static SuiteResult Run(SuiteOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Seeds, 1);
        var ran = new List<string>();
        var skipped = new List<(string, string)>();
        var probe = new PolicyContext(1, 1, TimeProvider.System) { Routes = ["/"] };
        foreach (string name in options.Policies)
        {
            if (PolicyFactory.TryCreate(name, probe, out _, out string? error))
            {
                ran.Add(name);
            }
            else
            {
                skipped.Add((name, error ?? "cannot be created"));
            }
        }

        var reports = new List<ScenarioReport>();
        var failures = new List<SuiteFailure>();
        if (ran.Count == 0)
        {
            return new SuiteResult(reports, ran, skipped, failures);
        }

        Func<string, PolicyContext, IRoutingPolicy> create = options.CreatePolicy ?? ((name, context) => Create(name, context, options.QEncoding));
        foreach (Scenario scenario in options.Scenarios)
        {
            var report = new ScenarioReport(scenario, options.Seed, options.Seeds, options.WarmupS ?? scenario.Spec.WarmupS, options.DurationS ?? scenario.DurationS, options.MaxRequests);
            report.Skipped.AddRange(skipped);
            var watch = Stopwatch.StartNew();
            foreach (string name in ran)
            {
                Action<double>? progress = options.Progress?.Invoke(scenario, name);
                var runOptions = new SimulationOptions
                {
                    MaxRequests = options.MaxRequests,
                    DurationS = options.DurationS,
                    WarmupS = options.WarmupS,
                    Log = options.Log,
                    PoolName = scenario.Key,
                };
                try
                {
                    report.Results.Add(ScenarioRunner.Run(
                        scenario,
                        context => create(name, context with { Model = options.Model, DeadlineMs = options.Shed ? context.DeadlineMs : double.PositiveInfinity }),
                        options.Seed,
                        options.Seeds,
                        runOptions,
                        progress));
                }
                catch (Exception e)
                {
                    // A policy that throws is a bug in it, not in the comparison: record it and run the others.
                    failures.Add(new SuiteFailure(scenario.Key, name, e));
                    report.Skipped.Add((name, $"failed: {e.GetType().Name}: {e.Message}"));
                }

                progress?.Invoke(1);
            }

            report.WallSeconds = watch.Elapsed.TotalSeconds;
            reports.Add(report);
        }

        return new SuiteResult(reports, ran, skipped, failures);
    }

    /// <summary>The default policy maker: <see cref="PolicyFactory"/>, except q_learning with an explicit state encoding.</summary>
    private static IRoutingPolicy Create(string name, PolicyContext context, QStateEncoding encoding)
    {
        if (name == PolicyNames.QLearning && encoding != QStateEncoding.Auto)
        {
            return new QLearningPolicy(context, encoding: encoding);
        }

        return PolicyFactory.TryCreate(name, context, out IRoutingPolicy? policy, out string? error)
            ? policy!
            : throw new InvalidOperationException(error);
    }
}

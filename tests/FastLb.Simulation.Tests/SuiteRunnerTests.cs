using FastLb.Policy;
using FastLb.Policy.Tests.TestDoubles;

namespace FastLb.Simulation.Tests;

public sealed class SuiteRunnerTests
{
    private static readonly Scenario[] s_scenarios =
    [
        SimTestScenarios.Poisson(4, 4, "exponential", 10, 0.6, 0.5, 10),
        SimTestScenarios.Parse("""
        {
          "id": "U", "name": "two groups", "warmupS": 0.5, "durationS": 10,
          "backends": [
            { "count": 2, "slots": 4, "service": { "distribution": "exponential", "meanMs": 10 } },
            { "count": 2, "slots": 4, "service": { "distribution": "exponential", "meanMs": 30 } }
          ],
          "arrivals": { "process": "poisson", "load": 0.6 }
        }
        """),
    ];

    private static SuiteOptions Options(params string[] policies) => new()
    {
        Scenarios = s_scenarios,
        Policies = policies,
        MaxRequests = 2000,
        Seed = 3,
        Seeds = 2,
    };

    [Fact]
    public void Run_EveryPolicy_OneResultPerScenarioInOrder()
    {
        SuiteResult suite = SuiteRunner.Run(Options(PolicyNames.RoundRobin, PolicyNames.LeastConnections, PolicyNames.PowerOfTwo));

        Assert.Equal(s_scenarios.Length, suite.Reports.Count);
        Assert.Empty(suite.Skipped);
        Assert.Empty(suite.Failures);
        for (int i = 0; i < s_scenarios.Length; i++)
        {
            ScenarioReport report = suite.Reports[i];
            Assert.Same(s_scenarios[i], report.Scenario);
            Assert.Equal([PolicyNames.RoundRobin, PolicyNames.LeastConnections, PolicyNames.PowerOfTwo], report.Results.Select(r => r.Policy));
            Assert.All(report.Results, r => Assert.Equal([3UL, 4UL], r.Seeds));
            Assert.All(report.Results, r => Assert.True(r.Requests >= 2 * 2000, $"{r.Policy}: {r.Requests} requests"));
            Assert.Equal(2000, report.MaxRequests);
        }
    }

    [Fact]
    public void Run_UnknownPolicy_SkippedWithReasonOthersRun()
    {
        SuiteResult suite = SuiteRunner.Run(Options("no_such_policy", PolicyNames.RoundRobin));

        Assert.Equal([PolicyNames.RoundRobin], suite.Ran);
        (string name, string reason) = Assert.Single(suite.Skipped);
        Assert.Equal("no_such_policy", name);
        Assert.Contains("no_such_policy", reason);
        Assert.All(suite.Reports, report =>
        {
            Assert.Equal(PolicyNames.RoundRobin, Assert.Single(report.Results).Policy);
            Assert.Contains(report.Skipped, s => s.Policy == "no_such_policy");
        });
    }

    [Fact]
    public void Run_NoPolicyCanRun_NoReports()
    {
        SuiteResult suite = SuiteRunner.Run(Options("no_such_policy"));

        Assert.Empty(suite.Ran);
        Assert.Empty(suite.Reports);
        Assert.Single(suite.Skipped);
    }

    [Fact]
    public void Run_PolicyThrows_RecordedAsFailureOthersStillRun()
    {
        SuiteOptions options = Options(PolicyNames.RoundRobin, PolicyNames.LeastConnections);
        options = new SuiteOptions
        {
            Scenarios = options.Scenarios,
            Policies = options.Policies,
            MaxRequests = options.MaxRequests,
            CreatePolicy = (name, context) => name == PolicyNames.RoundRobin
                ? throw new InvalidOperationException("broken on purpose")
                : SimTestScenarios.Policy(name)(context),
        };

        SuiteResult suite = SuiteRunner.Run(options);

        Assert.Equal(s_scenarios.Length, suite.Failures.Count);
        Assert.All(suite.Failures, f => Assert.Equal(PolicyNames.RoundRobin, f.Policy));
        Assert.Equal(s_scenarios.Select(s => s.Key), suite.Failures.Select(f => f.Scenario));
        Assert.All(suite.Reports, report =>
        {
            Assert.Equal(PolicyNames.LeastConnections, Assert.Single(report.Results).Policy);
            Assert.Contains(report.Skipped, s => s.Policy == PolicyNames.RoundRobin && s.Reason.Contains("broken on purpose", StringComparison.Ordinal));
        });
    }

    [Fact]
    public void Run_Progress_StartedPerScenarioAndPolicyEndsAtOne()
    {
        var started = new List<string>();
        var last = new Dictionary<string, double>();
        SuiteOptions options = Options(PolicyNames.RoundRobin, PolicyNames.Random);
        options = new SuiteOptions
        {
            Scenarios = options.Scenarios,
            Policies = options.Policies,
            MaxRequests = options.MaxRequests,
            Progress = (scenario, policy) =>
            {
                string key = $"{scenario.Key}/{policy}";
                started.Add(key);
                return fraction => last[key] = fraction;
            },
        };

        SuiteRunner.Run(options);

        Assert.Equal(s_scenarios.SelectMany(s => new[] { $"{s.Key}/{PolicyNames.RoundRobin}", $"{s.Key}/{PolicyNames.Random}" }), started);
        Assert.All(last.Values, f => Assert.Equal(1.0, f));
    }

    [Fact]
    public void Run_HiddenDeadlineAndModel_ReachThePolicyContext()
    {
        var seen = new List<PolicyContext>();
        var model = new LinearLatencyModel([], 0);
        SuiteOptions options = Options(PolicyNames.RoundRobin);
        options = new SuiteOptions
        {
            Scenarios = [s_scenarios[0]],
            Policies = options.Policies,
            MaxRequests = 100,
            Model = model,
            Shed = false,
            CreatePolicy = (name, context) =>
            {
                seen.Add(context);
                return SimTestScenarios.Policy(name)(context);
            },
        };

        SuiteRunner.Run(options);

        Assert.NotEmpty(seen);
        Assert.All(seen, c => Assert.Same(model, c.Model));
        Assert.All(seen, c => Assert.Equal(double.PositiveInfinity, c.DeadlineMs));
    }
}

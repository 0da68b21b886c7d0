using System.Text;
using FastLb.Policy;
using FastLb.Policy.Learning;
using FastLb.Policy.Tests.TestDoubles;
using FastLb.RequestLog;

namespace FastLb.Simulation.Tests;

public sealed class SimulatorTests
{
    /// <summary>Mean response time of M/M/c from the Erlang C formula, in ms.</summary>
    private static double ErlangCResponseMs(int c, double lambda, double mu)
    {
        double a = lambda / mu;
        double rho = a / c;
        double term = 1, sum = 0;
        for (int k = 0; k < c; k++)
        {
            sum += term;
            term *= a / (k + 1);
        }

        double last = term / (1 - rho);
        double waitProbability = last / (sum + last);
        double waitS = waitProbability / ((c * mu) - lambda);
        return (waitS + (1 / mu)) * 1000;
    }

    [Theory]
    [InlineData(1, 0.5)]
    [InlineData(4, 0.7)]
    [InlineData(4, 0.85)]
    public void Run_MMcQueue_MeanResponseMatchesErlangC(int slots, double load)
    {
        // One backend, exponential service 20 ms: an M/M/c queue (c = slots, mu = 50/s).
        Scenario scenario = SimTestScenarios.Poisson(1, slots, "exponential", 20, load, warmupS: 100, durationS: 100_000);
        var options = new SimulationOptions { Seed = 7, MaxRequests = 400_000 };

        SimulationResult result = new Simulator(scenario, SimTestScenarios.Policy(PolicyNames.RoundRobin), options).Run();

        double lambda = load * slots * 50;
        double expectedMs = ErlangCResponseMs(slots, lambda, 50);
        double expectedWaitMs = expectedMs - 20;
        Assert.Equal(400_000, result.Requests);
        Assert.Equal(0, result.Timeouts);
        Assert.InRange(result.Latency.MeanMs, expectedMs * 0.97, expectedMs * 1.03);
        Assert.InRange(result.Latency.MeanMs - 20, expectedWaitMs * 0.92, expectedWaitMs * 1.08);
        Assert.InRange(result.ThroughputRps, lambda * 0.98, lambda * 1.02);
    }

    [Fact]
    public void Run_PoolOfMMcWithRoundRobin_MeanBelowRandomSplitBound()
    {
        // Round robin splits more evenly than random, so each backend sees a smoother-than-Poisson
        // stream: the mean must be at or below that of N independent M/M/c queues, and above pure service.
        Scenario scenario = SimTestScenarios.Poisson(4, 2, "exponential", 20, 0.7, warmupS: 50, durationS: 2000);
        SimulationResult result = new Simulator(scenario, SimTestScenarios.Policy(PolicyNames.RoundRobin), new SimulationOptions { Seed = 3, MaxRequests = 200_000 }).Run();

        double randomSplitMs = ErlangCResponseMs(2, 0.7 * 2 * 50, 50);
        Assert.InRange(result.Latency.MeanMs, 20.5, randomSplitMs * 1.02);
        for (int i = 0; i < 4; i++)
        {
            Assert.InRange(result.Share(i), 0.2499, 0.2501);
        }
    }

    [Fact]
    public void Run_SameSeed_SameResults()
    {
        Scenario scenario = SimTestScenarios.Load("S3");
        var options = new SimulationOptions { Seed = 11, WarmupS = 5, DurationS = 90 };

        SimulationResult a = new Simulator(scenario, SimTestScenarios.Policy(PolicyNames.LeastConnections), options).Run();
        SimulationResult b = new Simulator(scenario, SimTestScenarios.Policy(PolicyNames.LeastConnections), options).Run();
        SimulationResult other = new Simulator(scenario, SimTestScenarios.Policy(PolicyNames.LeastConnections), new SimulationOptions { Seed = 12, WarmupS = 5, DurationS = 90 }).Run();

        Assert.Equal(a.Requests, b.Requests);
        Assert.Equal(a.Picks, b.Picks);
        Assert.Equal(a.Latency.SumMs, b.Latency.SumMs);
        Assert.Equal(a.Latency.MaxMs, b.Latency.MaxMs);
        Assert.Equal(a.Timeouts, b.Timeouts);
        Assert.Equal(a.Watches[0].DivertS, b.Watches[0].DivertS);
        Assert.NotEqual(a.Latency.SumMs, other.Latency.SumMs);
    }

    [Fact]
    public void Run_S2WithWeightedRoundRobin_SharesFollowCapacity()
    {
        // The suite's weighted_round_robin gets static weights from capacity (4:2:1 in S2).
        Scenario scenario = SimTestScenarios.Load("S2");
        var options = new SimulationOptions { Seed = 4, WarmupS = 5, DurationS = 60 };

        SimulationResult result = new Simulator(scenario, SimTestScenarios.Policy(PolicyNames.WeightedRoundRobin), options).Run();

        for (int i = 0; i < scenario.BackendCapacityRps.Length; i++)
        {
            Assert.InRange(result.Share(i), result.CapacityShare[i] - 0.005, result.CapacityShare[i] + 0.005);
        }
    }

    [Fact]
    public void Run_S3WithLeastConnections_Backend0ShareDropsInWindow()
    {
        Scenario scenario = SimTestScenarios.Load("S3");
        var options = new SimulationOptions { Seed = 1, WarmupS = 10, DurationS = 120 };

        SimulationResult lc = new Simulator(scenario, SimTestScenarios.Policy(PolicyNames.LeastConnections), options).Run();
        SimulationResult rr = new Simulator(scenario, SimTestScenarios.Policy(PolicyNames.RoundRobin), options).Run();

        WatchResult watch = lc.Watches[0];
        Assert.Equal("b0", watch.BackendId);
        // b0 runs at a tenth of its speed: its capacity share is 20 / 1820, and the threshold 1.5x that.
        Assert.InRange(watch.DivertShare, 0.0164, 0.0166);
        Assert.InRange(watch.MeanWindowShare, 0, 0.04);
        Assert.NotNull(watch.MeanDivertS);
        Assert.InRange(watch.MeanDivertS!.Value, 1.0, 5.0);
        Assert.NotNull(watch.MeanRecoveryS);
        // Round robin keeps sending b0 its tenth and never diverts.
        Assert.InRange(rr.Watches[0].MeanWindowShare, 0.099, 0.101);
        Assert.Null(rr.Watches[0].MeanDivertS);
        Assert.True(lc.Watches[0].Window.Percentile(0.999) < rr.Watches[0].Window.Percentile(0.999));
    }

    [Fact]
    public void Run_BackendRefusesConnections_ReportedAsConnectAndRetriedElsewhere()
    {
        Scenario scenario = SimTestScenarios.Parse("""
        {
          "id": "T", "name": "refuse", "warmupS": 0, "durationS": 50,
          "backends": [ { "count": 2, "slots": 4, "service": { "distribution": "exponential", "meanMs": 10 } } ],
          "arrivals": { "process": "poisson", "load": 0.3 },
          "schedule": [ { "backend": 0, "fromS": 0, "toS": 1000, "refuse": true } ]
        }
        """);
        var policy = new RecordingPolicy();

        SimulationResult result = new Simulator(scenario, _ => policy, new SimulationOptions { Seed = 5 }).Run();

        int connects = policy.Outcomes.Count(o => o.Error == OutcomeError.Connect);
        Assert.True(result.Requests > 1000);
        Assert.Equal(0, result.ErrorRate);
        Assert.Equal(0, result.ConnectErrors);
        Assert.Equal(connects, result.Retries);
        // Round robin's counter moves on the retry too, so here every request meets b0 first.
        Assert.InRange(result.Retries, result.Requests * 0.45, result.Requests);
        Assert.All(policy.Excluded, index => Assert.Equal(0, index));
        Assert.Equal(connects, policy.Excluded.Count);
        Assert.Equal(result.Requests, result.Responses);
        Assert.Equal(1.0, result.Share(0) + result.Share(1), 9);
    }

    [Fact]
    public void Run_EveryBackendRefuses_RetriedOnceThenConnectError()
    {
        Scenario scenario = SimTestScenarios.Parse("""
        {
          "id": "T", "name": "refuse-all", "warmupS": 0, "durationS": 20,
          "backends": [ { "count": 2, "slots": 4, "service": { "distribution": "exponential", "meanMs": 10 } } ],
          "arrivals": { "process": "poisson", "load": 0.3 },
          "schedule": [
            { "backend": 0, "fromS": 0, "toS": 1000, "refuse": true },
            { "backend": 1, "fromS": 0, "toS": 1000, "refuse": true }
          ]
        }
        """);
        var policy = new RecordingPolicy();

        SimulationResult result = new Simulator(scenario, _ => policy, new SimulationOptions { Seed = 5 }).Run();

        Assert.True(result.Requests > 100);
        Assert.Equal(result.Requests, result.ConnectErrors);
        Assert.Equal(result.Requests, result.Retries);
        Assert.Equal(1.0, result.ErrorRate);
        Assert.Equal(2 * result.Requests, policy.Outcomes.Count);
    }

    [Fact]
    public void Run_Overloaded_TimeoutsCountAsDeadlineAndArePolicyOutcomes()
    {
        // One slot, 50 ms service, twice the capacity: the queue grows until requests miss the 1 s deadline.
        Scenario scenario = SimTestScenarios.Poisson(1, 1, "exponential", 50, 2.0, warmupS: 0, durationS: 60);
        var policy = new RecordingPolicy();

        SimulationResult result = new Simulator(scenario, _ => policy, new SimulationOptions { Seed = 9 }).Run();

        Assert.True(result.Timeouts > result.Requests / 3);
        Assert.Equal(result.TimeoutRate, result.ErrorRate);
        Assert.Equal(1000.0, result.Latency.MaxMs);
        Assert.InRange(result.Latency.Percentile(0.99), 999.0, 1000.0);
        Assert.Equal(result.Timeouts, policy.Outcomes.Count(o => o.Error == OutcomeError.Timeout));
        Assert.Equal(result.Requests, policy.Outcomes.Count);
        Assert.All(policy.Outcomes.Where(o => o.Error == OutcomeError.Timeout), o => Assert.InRange(o.LatencyMs, 999.999, 1000.001));
    }

    [Fact]
    public void Run_FastLbShedsWhatWouldMissDeadline_MoreAnsweredInTime()
    {
        // The same overload: a model that knows each request in flight adds 50 ms lets fastlb shed
        // requests it expects past the 1 s deadline (about 20 in flight) instead of queueing them.
        Scenario scenario = SimTestScenarios.Poisson(1, 1, "exponential", 50, 2.0, warmupS: 0, durationS: 60);
        var model = new LinearLatencyModel(new Dictionary<string, double> { ["b0"] = 50 }, 50);
        var options = new SimulationOptions { Seed = 9 };

        SimulationResult queued = new Simulator(scenario, context => new FastLbPolicy(context), options).Run();
        SimulationResult shed = new Simulator(scenario, context => new FastLbPolicy(context with { Model = model }), options).Run();

        Assert.Equal(0, queued.Shed);
        Assert.True(shed.Shed > shed.Requests / 3, $"shed {shed.Shed} of {shed.Requests}");
        Assert.True(shed.Timeouts < queued.Timeouts / 5, $"timeouts {shed.Timeouts} against {queued.Timeouts} without shedding");
        Assert.True(shed.Ok > queued.Ok, $"answered {shed.Ok} against {queued.Ok} without shedding");
        Assert.Equal((double)(shed.Timeouts + shed.Shed) / shed.Requests, shed.ErrorRate, 12);

        // A shed request counts as the deadline in the percentiles, like a timeout: not as an instant answer.
        Assert.Equal(1000.0, shed.Latency.Percentile(0.99));
    }

    [Fact]
    public void Run_ErrorRateWindow_Answers503AndCountsErrors()
    {
        Scenario scenario = SimTestScenarios.Parse("""
        {
          "id": "T", "name": "errors", "warmupS": 0, "durationS": 100,
          "backends": [ { "count": 1, "slots": 4, "service": { "distribution": "exponential", "meanMs": 10 } } ],
          "arrivals": { "process": "poisson", "load": 0.5 },
          "schedule": [ { "backend": 0, "fromS": 0, "toS": 50, "errorRate": 0.2 } ]
        }
        """);
        var policy = new RecordingPolicy();

        SimulationResult result = new Simulator(scenario, _ => policy, new SimulationOptions { Seed = 2 }).Run();

        Assert.InRange(result.ErrorRate, 0.08, 0.12);
        Assert.Equal(result.ServerErrors, policy.Outcomes.Count(o => o.Status == 503));
        Assert.Equal(0, result.Retries);
    }

    [Fact]
    public void Run_PolicyTimer_FiresInSimulatedTime()
    {
        Scenario scenario = SimTestScenarios.Poisson(2, 4, "exponential", 20, 0.2, warmupS: 0, durationS: 100);
        TimerPolicy? policy = null;

        new Simulator(scenario, context => policy = new TimerPolicy(context), new SimulationOptions { Seed = 1 }).Run();

        Assert.NotNull(policy);
        Assert.InRange(policy!.Ticks.Count, 99, 101);
        Assert.Equal(SimulatedTimeProvider.Epoch.AddSeconds(1), policy.Ticks[0]);
        Assert.Equal(SimulatedTimeProvider.Epoch.AddSeconds(50), policy.Ticks[49]);
    }

    [Fact]
    public void Run_FourBalancers_EachHasItsOwnPolicyAndSharesTraffic()
    {
        Scenario scenario = SimTestScenarios.Poisson(4, 4, "exponential", 20, 0.5, warmupS: 0, durationS: 50, extra: "\"balancers\": 4,");
        var policies = new List<RecordingPolicy>();

        SimulationResult result = new Simulator(scenario, _ => { var p = new RecordingPolicy(); policies.Add(p); return p; }, new SimulationOptions { Seed = 4 }).Run();

        Assert.Equal(4, policies.Count);
        Assert.Equal(result.Requests, policies.Sum(p => p.Outcomes.Count));
        Assert.All(policies, p => Assert.InRange(p.Outcomes.Count, result.Requests * 0.2, result.Requests * 0.3));
    }

    [Fact]
    public void Run_RequestCap_StopsAfterThatManyMeasuredRequests()
    {
        Scenario scenario = SimTestScenarios.Load("S1");

        SimulationResult result = new Simulator(scenario, SimTestScenarios.Policy(PolicyNames.RoundRobin), new SimulationOptions { Seed = 1, WarmupS = 1, MaxRequests = 5000 }).Run();

        Assert.Equal(5000, result.Requests);
        Assert.Equal(5000, result.Responses + result.Timeouts);
        Assert.InRange(result.MeasuredSeconds, 4, 6); // 5,000 requests at 1,000 rps
    }

    [Fact]
    public void Run_Ramp_ReportsStepsAndGoodputAtSlo()
    {
        Scenario scenario = SimTestScenarios.Parse("""
        {
          "id": "T", "name": "ramp", "warmupS": 5,
          "backends": [ { "count": 2, "slots": 4, "service": { "distribution": "exponential", "meanMs": 20 } } ],
          "arrivals": { "process": "ramp", "steps": [ { "load": 0.3, "durationS": 60 }, { "load": 0.6, "durationS": 60 }, { "load": 1.5, "durationS": 60 } ] }
        }
        """);

        SimulationResult result = new Simulator(scenario, SimTestScenarios.Policy(PolicyNames.LeastConnections), new SimulationOptions { Seed = 1 }).Run();

        Assert.Equal(3, result.Steps.Length);
        Assert.Equal(result.Requests, result.Steps.Sum(s => s.Requests));
        Assert.InRange(result.Steps[0].Requests, 0.3 * 400 * 60 * 0.9, 0.3 * 400 * 60 * 1.1);
        Assert.True(result.Steps[0].MeetsSlo(result.Slo));
        Assert.False(result.Steps[2].MeetsSlo(result.Slo));
        Assert.Equal(0.6, result.GoodputLoad);
    }

    [Fact]
    public void Run_WithLog_WritesOneParsableLinePerAttempt()
    {
        Scenario scenario = SimTestScenarios.Poisson(3, 4, "lognormal", 20, 0.6, warmupS: 0, durationS: 20);
        using var log = new MemoryStream();

        SimulationResult result = new Simulator(scenario, SimTestScenarios.Policy(PolicyNames.LeastConnections), new SimulationOptions { Seed = 1, Log = log, PoolName = "pool-a" }).Run();

        string[] lines = Encoding.UTF8.GetString(log.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(result.Requests, lines.Length);
        var fields = new List<string>();
        var cpuKnown = 0;
        foreach (string line in lines)
        {
            Assert.True(RequestLogCsv.TrySplitLine(line, fields));
            Assert.Equal(RequestLogCsv.Columns.Count, fields.Count);
            Assert.Equal("pool-a", fields[2]);
            Assert.Contains(fields[3], new[] { "b0", "b1", "b2" });
            Assert.Equal("least_connections", fields[11]);
            Assert.True(int.Parse(fields[12]) >= 0);
            if (fields[16] != "-1")
            {
                cpuKnown++;
            }
        }

        // Health reports arrive every simulated second: all but the first second's rows know the CPU.
        Assert.True(cpuKnown > lines.Length * 0.9);
    }

    [Fact]
    public void Run_EjectUnhealthy_RefusingBackendLeavesRotationAtNextHealthReport()
    {
        string json = """
        {
          "id": "T", "name": "eject", "warmupS": 0, "durationS": 60, "ejectUnhealthy": EJECT,
          "backends": [ { "count": 2, "slots": 4, "service": { "distribution": "exponential", "meanMs": 10 } } ],
          "arrivals": { "process": "poisson", "load": 0.3 },
          "schedule": [ { "backend": 0, "fromS": 10.5, "toS": 40.5, "refuse": true } ],
          "watch": [ { "backend": 0, "fromS": 10.5, "toS": 40.5 } ]
        }
        """;
        Func<PolicyContext, IRoutingPolicy> policy = SimTestScenarios.Policy(PolicyNames.RoundRobin);

        SimulationResult ejected = new Simulator(SimTestScenarios.Parse(json.Replace("EJECT", "true")), policy, new SimulationOptions { Seed = 1 }).Run();
        SimulationResult kept = new Simulator(SimTestScenarios.Parse(json.Replace("EJECT", "false")), policy, new SimulationOptions { Seed = 1 }).Run();

        // 240 rps; health reports every second: only the half second before the first failed report retries.
        Assert.InRange(ejected.Retries, 1, 240);
        Assert.True(kept.Retries > 20 * ejected.Retries);
        Assert.InRange(ejected.Watches[0].MeanDivertS!.Value, 1.0, 1.6);
        Assert.InRange(ejected.Watches[0].MeanRecoveryS!.Value, 1.0, 1.6);
        Assert.Equal(0, ejected.ErrorRate);
    }

    [Fact]
    public void Run_SameSeedDifferentPolicies_SameJobSizes()
    {
        // No queue and identical backends: a request's latency is its own service time wherever it
        // goes, so with common random numbers two different policies must see identical latencies.
        Scenario scenario = SimTestScenarios.Parse("""
        {
          "id": "T", "name": "crn", "warmupS": 1, "durationS": 60,
          "backends": [ { "count": 3, "slots": 4, "queue": "none", "service": { "distribution": "lognormal", "meanMs": 20, "cv": 1 } } ],
          "arrivals": { "process": "poisson", "load": 0.7 }
        }
        """);
        var options = new SimulationOptions { Seed = 21 };

        SimulationResult rr = new Simulator(scenario, SimTestScenarios.Policy(PolicyNames.RoundRobin), options).Run();
        SimulationResult lc = new Simulator(scenario, SimTestScenarios.Policy(PolicyNames.LeastConnections), options).Run();

        Assert.NotEqual(rr.Picks, lc.Picks);
        Assert.Equal(rr.Requests, lc.Requests);
        Assert.Equal(rr.Latency.SumMs, lc.Latency.SumMs, 6);
        Assert.Equal(rr.Latency.MaxMs, lc.Latency.MaxMs);
        Assert.Equal(rr.Latency.Percentile(0.99), lc.Latency.Percentile(0.99));
    }
}

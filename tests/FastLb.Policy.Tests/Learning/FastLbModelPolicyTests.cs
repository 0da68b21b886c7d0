using FastLb.Policy.Learning;
using FastLb.Policy.Tests.Contract;
using FastLb.Policy.Tests.TestDoubles;

namespace FastLb.Policy.Tests.Learning;

/// <summary>fastlb with a latency model (a known linear function standing for a trained model), with the contract.</summary>
public sealed class FastLbModelPolicyTests : RoutingPolicyContractTests
{
    protected override string ExpectedName => PolicyNames.FastLb;

    protected override IRoutingPolicy Create(PolicyContext context)
        => new FastLbPolicy(context with { Model = new LinearLatencyModel([], 2), Routes = ["/api", "/"] });

    private static (FastLbPolicy Policy, Balancer Balancer, BackendState[] Backends, ManualTimeProvider Time, LinearLatencyModel Model) Build(
        double[] baseMs, double slope, FastLbOptions? options = null, double apiExtraMs = 0, double deadlineMs = double.PositiveInfinity, bool hostRefreshes = false)
    {
        var time = new ManualTimeProvider();
        BackendState[] backends = Pools.Create(baseMs.Length);
        var bases = new Dictionary<string, double>();
        for (int i = 0; i < baseMs.Length; i++)
        {
            bases[backends[i].Id] = baseMs[i];
        }

        var model = new LinearLatencyModel(bases, slope, apiExtraMs);
        var context = Pools.Context(baseMs.Length, time) with { Model = model, Routes = ["/api", "/"], DeadlineMs = deadlineMs, HostRefreshes = hostRefreshes };
        var policy = new FastLbPolicy(context, options);
        return (policy, new Balancer(policy, backends), backends, time, model);
    }

    /// <summary>Notes every backend (a pick each) and publishes a table.</summary>
    private static void Warm(FastLbPolicy policy, BackendState[] backends)
    {
        for (int i = 0; i < 50 * backends.Length; i++)
        {
            policy.Pick(backends, RequestFeatures.Empty);
        }

        policy.Refresh();
        Assert.True(policy.HasPredictions);
    }

    [Fact]
    public void Pick_ModelRanksBackends_FollowsPredictions()
    {
        // 4 choices on a pool of 4 compare 3 (never the whole pool): a sample holds backend 1 (10 ms)
        // three times in four and then takes it; otherwise it is {0, 2, 3} and 2 (30 ms) wins.
        var (policy, _, backends, _, _) = Build([50, 10, 30, 40], 0, new FastLbOptions { Choices = 4, Exploration = new QLearningOptions { Epsilon = 0, EpsilonFloor = 0 } });
        Warm(policy, backends);
        var counts = new int[4];
        for (int i = 0; i < 4000; i++)
        {
            counts[policy.Pick(backends, RequestFeatures.Empty)]++;
        }

        Assert.Equal(0, counts[0]);
        Assert.Equal(0, counts[3]);
        Assert.InRange(counts[1], 2800, 3200);
        Assert.Equal(4000, counts[1] + counts[2]);
    }

    [Fact]
    public void Pick_TwoChoices_SharesFollowPairwiseRanking()
    {
        var (policy, balancer, backends, time, _) = Build([50, 10, 30], 0, new FastLbOptions { Choices = 2 });
        Warm(policy, backends);
        var counts = new int[3];
        for (int i = 0; i < 3000; i++)
        {
            RequestFeatures request = RequestFeatures.Empty;
            BackendState picked = balancer.Pick(ref request, out BackendLease lease)!;
            counts[request.PickedIndex]++;
            time.AdvanceMs(1);
            lease.Complete(Pools.Ok(request.PickedIndex switch { 0 => 50, 1 => 10, _ => 30 }));
        }

        // Pairs {0,1} and {1,2} go to 1, pair {0,2} to 2; 0 only by exploration.
        Assert.InRange(counts[1], 1850, 2150);
        Assert.InRange(counts[2], 850, 1150);
        Assert.InRange(counts[0], 1, 60);
    }

    [Fact]
    public void Pick_ModelSaysInFlightCosts_AvoidsLoadedBackend()
    {
        // Backend 0 is faster when idle, but the model says each request in flight adds 10 ms.
        var (policy, _, backends, _, _) = Build([10, 25], 10, new FastLbOptions { Exploration = new QLearningOptions { Epsilon = 0, EpsilonFloor = 0 } });
        Warm(policy, backends);
        Assert.Equal(0, policy.Pick(backends, RequestFeatures.Empty));
        backends[0].OnStarted();
        backends[0].OnStarted();

        // 10 + 2 x 10 = 30 > 25: the table's in-flight points carry the model's view of queueing.
        Assert.Equal(1, policy.Pick(backends, RequestFeatures.Empty));
    }

    [Fact]
    public void Pick_RoutePrediction_UsesRequestRoute()
    {
        var options = new FastLbOptions { Exploration = new QLearningOptions { Epsilon = 0, EpsilonFloor = 0 } };
        var (policy, _, backends, _, _) = Build([10, 12], 0, options, apiExtraMs: 0);
        Warm(policy, backends);
        RequestFeatures api = RequestFeatures.Empty;
        api.RouteId = 0;
        Assert.Equal(0, policy.Pick(backends, api));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Pick_BackendDriftsFromModel_CorrectionDivertsAndRecovers(bool stamped)
    {
        // The model says all four answer in 20 ms; backend 0 turns slow (200 ms), then recovers.
        var (policy, balancer, backends, time, _) = Build([20, 20, 20, 20], 0);
        Warm(policy, backends);
        var noise = new FastLb.Policy.Selection.SplitMix64Random(17);
        int Run(int requests, double slowMs)
        {
            int toZero = 0;
            for (int i = 0; i < requests; i++)
            {
                RequestFeatures request = RequestFeatures.Empty;
                request.Timestamp = stamped ? time.GetTimestamp() : 0;
                BackendState picked = balancer.Pick(ref request, out BackendLease lease)!;
                toZero += request.PickedIndex == 0 ? 1 : 0;
                time.AdvanceMs(5);
                double jitter = (noise.NextDouble() - 0.5) * 10;
                lease.Complete(Pools.Ok((request.PickedIndex == 0 ? slowMs : 20) + jitter));
            }

            return toZero;
        }

        Run(2000, 20);
        int slowPhase = Run(2000, 200);
        Assert.True(slowPhase < 2000 * 0.25 * 0.5, $"slow backend got {slowPhase} of 2000");
        int settled = Run(2000, 200);
        Assert.True(settled < 2000 * 0.25 * 0.2, $"slow backend got {settled} of 2000 once learned");

        // Recovered: its share comes back to within 20 % of fair (500 of 2000) after the decay.
        int[] shares = new int[8];
        for (int window = 0; window < shares.Length; window++)
        {
            shares[window] = Run(2000, 20);
        }

        // From the third 10 s window on (simulated time), every window is within 20 % of fair.
        string seen = string.Join(", ", shares);
        for (int window = 2; window < shares.Length; window++)
        {
            Assert.True(shares[window] >= 400 && shares[window] <= 600, seen);
        }
    }

    [Fact]
    public void Report_ModelWrongOnlyWhenLoaded_QLearnedForThatLoadLevelOnly()
    {
        // The model says 20 ms whatever the load; the backend answers 20 ms with little in flight
        // and 120 ms with 12 in flight (level high). The online Q value of (backend, high) learns
        // the 100 ms error; that of (backend, low) stays at 0.
        var (policy, balancer, backends, time, _) = Build([20], 0);
        Warm(policy, backends);
        void Run(int requests, double latencyMs)
        {
            for (int i = 0; i < requests; i++)
            {
                RequestFeatures request = RequestFeatures.Empty;
                BackendState picked = balancer.Pick(ref request, out BackendLease lease)!;
                time.AdvanceMs(1);
                lease.Complete(Pools.Ok(latencyMs));
            }
        }

        Run(300, 20);
        var held = new BackendLease[12];
        for (int i = 0; i < held.Length; i++)
        {
            RequestFeatures request = RequestFeatures.Empty;
            Assert.NotNull(balancer.Pick(ref request, out held[i]));
        }

        Assert.Equal(LoadLevel.High, LoadLevels.Of(backends[0]));
        Run(300, 120);
        Assert.InRange(policy.CorrectionMs(0, LoadLevel.High), 80, 100.5);
        Assert.InRange(policy.CorrectionMs(0, LoadLevel.Low), -1, 1);
        for (int i = 0; i < held.Length; i++)
        {
            held[i].Complete(Pools.Ok(20));
        }
    }

    [Fact]
    public void Report_OverlappingPicksOnOneBackend_EachCreditedToItsOwnCell()
    {
        // The model says 20 ms flat. Request A is picked while the backend is idle (level low), then
        // ten more and request B while it is loaded (level high). A comes back in 220 ms, B and the
        // others in the predicted 20 ms: A's 200 ms error belongs to the low cell, the one its pick
        // used, not to the high cell of the pick that came last.
        var (policy, balancer, backends, _, _) = Build([20], 0, new FastLbOptions { Exploration = new QLearningOptions { Epsilon = 0, EpsilonFloor = 0 } });
        Warm(policy, backends);
        RequestFeatures request = RequestFeatures.Empty;
        Assert.NotNull(balancer.Pick(ref request, out BackendLease a));
        var others = new BackendLease[11];
        for (int i = 0; i < others.Length; i++)
        {
            request = RequestFeatures.Empty;
            Assert.NotNull(balancer.Pick(ref request, out others[i]));
        }

        BackendLease b = others[^1];
        Assert.Equal((int)LoadLevel.Low, a.Note.Cell);
        Assert.Equal((int)LoadLevel.High, b.Note.Cell);
        Assert.Equal(20, a.Note.ExpectedMs, 6);

        for (int i = others.Length - 1; i >= 0; i--)
        {
            others[i].Complete(Pools.Ok(20));
        }

        a.Complete(Pools.Ok(220));

        Assert.InRange(policy.CorrectionMs(0, LoadLevel.Low), 10, 200);
        Assert.InRange(policy.CorrectionMs(0, LoadLevel.High), -1, 1);
        Assert.InRange(policy.CorrectionMs(0, LoadLevel.Medium), -1, 1);
        Assert.Equal(0, balancer.InFlight);
    }

    [Fact]
    public void Report_RefreshInterval_ModelCalledOffPickPathOnly()
    {
        var (policy, balancer, backends, time, model) = Build([20, 20, 20, 20], 0);
        Warm(policy, backends);
        long afterWarm = model.Calls;
        for (int i = 0; i < 1000; i++)
        {
            policy.Pick(backends, RequestFeatures.Empty);
        }

        Assert.Equal(afterWarm, model.Calls);

        // 4 backends x 3 route slots x 8 points per refresh, one refresh per 200 ms of reports.
        for (int i = 0; i < 100; i++)
        {
            RequestFeatures request = RequestFeatures.Empty;
            BackendState picked = balancer.Pick(ref request, out BackendLease lease)!;
            time.AdvanceMs(10);
            lease.Complete(Pools.Ok(20));
        }

        Assert.Equal(afterWarm + (5 * 4 * 3 * 8), model.Calls);
    }

    [Fact]
    public void Report_HostRefreshes_ModelCalledOnlyByTheHost()
    {
        var (policy, balancer, backends, time, model) = Build([20, 20, 20, 20], 0, hostRefreshes: true);
        Warm(policy, backends);
        long afterWarm = model.Calls;
        for (int i = 0; i < 100; i++)
        {
            RequestFeatures request = RequestFeatures.Empty;
            BackendState picked = balancer.Pick(ref request, out BackendLease lease)!;
            time.AdvanceMs(10);
            lease.Complete(Pools.Ok(20));
        }

        // A second of reports, past five refresh intervals: the model is not called from Report.
        Assert.Equal(afterWarm, model.Calls);

        // The host's timer: one refresh, 4 backends x 3 route slots x 8 points.
        policy.Refresh();
        Assert.Equal(afterWarm + (4 * 3 * 8), model.Calls);
        Assert.True(policy.HasPredictions);
    }

    [Fact]
    public void Pick_DefaultInFlightTieBreak_PrefersIdleSlightlySlowerBackend()
    {
        // The model sees no cost in in-flight (slope 0); backend 0 answers in 20 ms, backend 1 in 24.
        // Idle, 0 wins; with one request in flight the default tie-break (0.3 per request) makes it
        // 20 x 1.3 = 26 > 24, so the idle one takes the pick (0.1 would have kept 0 at 22).
        var options = new FastLbOptions { Choices = 2, Exploration = new QLearningOptions { Epsilon = 0, EpsilonFloor = 0 } };
        var (policy, _, backends, _, _) = Build([20, 24], 0, options);
        Warm(policy, backends);
        Assert.Equal(0, policy.Pick(backends, RequestFeatures.Empty));
        backends[0].OnStarted();
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(1, policy.Pick(backends, RequestFeatures.Empty));
        }
    }

    [Fact]
    public void Report_ModelThrows_KeepsRoutingAndCounts()
    {
        var (policy, balancer, backends, time, model) = Build([20, 20], 0);
        Warm(policy, backends);
        model.Broken = true;
        for (int i = 0; i < 100; i++)
        {
            RequestFeatures request = RequestFeatures.Empty;
            BackendState? picked = balancer.Pick(ref request, out BackendLease lease);
            Assert.NotNull(picked);
            time.AdvanceMs(10);
            lease.Complete(Pools.Ok(20));
        }

        Assert.Equal(5, policy.RefreshFailures);
        Assert.True(policy.HasPredictions);
    }

    [Fact]
    public void Pick_EveryCandidatePredictedPastDeadline_ShedsWithoutCounting()
    {
        // 20 ms + 30 ms per request in flight: with one in flight everywhere, 50 ms > the 40 ms deadline.
        var (policy, balancer, backends, _, _) = Build([20, 20, 20, 20], 30, deadlineMs: 40);
        Warm(policy, backends);
        foreach (BackendState backend in backends)
        {
            backend.OnStarted();
        }

        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(IRoutingPolicy.Shed, policy.Pick(backends, RequestFeatures.Empty));
            RequestFeatures request = RequestFeatures.Empty;
            Assert.Null(balancer.Pick(ref request, out BackendLease lease));
        }

        Assert.Equal(100, balancer.Shed);
        Assert.Equal(0, balancer.InFlight);
        Assert.All(backends, b => Assert.Equal(1, b.InFlight));
    }

    [Fact]
    public void Pick_PredictedPastDeadlineButIdle_NeverSheds()
    {
        // The model says 500 ms even idle, ten times the deadline: a backend with nothing in flight
        // still gets the request, so every backend stays probed and a wrong model cannot shut the pool.
        var options = new FastLbOptions { Exploration = new QLearningOptions { Epsilon = 0, EpsilonFloor = 0 } };
        var (policy, balancer, backends, _, _) = Build([500, 500, 500], 0, options, deadlineMs: 50);
        Warm(policy, backends);
        backends[0].OnStarted();
        backends[1].OnStarted();
        for (int i = 0; i < 200; i++)
        {
            int picked = policy.Pick(backends, RequestFeatures.Empty);
            Assert.True(picked is 2 or IRoutingPolicy.Shed, $"picked {picked}");
        }

        RequestFeatures idle = RequestFeatures.Empty;
        idle.ExcludeIndex = 0;
        backends[1].OnEnded(Pools.Ok(500));
        int[] counts = new int[3];
        for (int i = 0; i < 200; i++)
        {
            counts[policy.Pick(backends, idle)]++;
        }

        // Backends 1 and 2 are idle now and 0 is excluded: never a shed.
        Assert.Equal(200, counts[1] + counts[2]);
        Assert.Equal(0, balancer.Shed);
    }

    [Fact]
    public void Pick_BestCandidateWithinDeadline_Sends()
    {
        // Backend 0 at 20 + 30 x 1 = 50 ms is within the 60 ms deadline; the others, at 80 ms, are not.
        var options = new FastLbOptions { Choices = 4, Exploration = new QLearningOptions { Epsilon = 0, EpsilonFloor = 0 } };
        var (policy, _, backends, _, _) = Build([20, 20, 20, 20], 30, options, deadlineMs: 60);
        Warm(policy, backends);
        backends[0].OnStarted();
        for (int b = 1; b < 4; b++)
        {
            backends[b].OnStarted();
            backends[b].OnStarted();
        }

        int sent = 0;
        int shed = 0;
        for (int i = 0; i < 3000; i++)
        {
            int picked = policy.Pick(backends, RequestFeatures.Empty);
            Assert.True(picked is 0 or IRoutingPolicy.Shed, $"picked {picked}");
            if (picked == 0)
            {
                sent++;
            }
            else
            {
                shed++;
            }
        }

        // Samples of 3 of the 4 hold backend 0 three times in four: those are sent, the rest shed.
        Assert.InRange(sent, 2050, 2450);
        Assert.Equal(3000, sent + shed);
    }

    [Fact]
    public void Pick_PoolOfOne_ShedsWhenBusyAndPastDeadline()
    {
        var (policy, _, backends, _, _) = Build([100], 0, deadlineMs: 50);
        Warm(policy, backends);
        Assert.Equal(0, policy.Pick(backends, RequestFeatures.Empty));
        backends[0].OnStarted();
        Assert.Equal(IRoutingPolicy.Shed, policy.Pick(backends, RequestFeatures.Empty));
    }

    [Fact]
    public void Pick_NoDeadline_NeverSheds()
    {
        var (policy, _, backends, _, _) = Build([900, 900], 100);
        Warm(policy, backends);
        for (int i = 0; i < 20; i++)
        {
            backends[i % 2].OnStarted();
        }

        for (int i = 0; i < 200; i++)
        {
            Assert.InRange(policy.Pick(backends, RequestFeatures.Empty), 0, 1);
        }
    }

    [Theory]
    [InlineData(0.9, true)]
    [InlineData(1.0, false)]
    public void Pick_PredictedWithinDeadlineButPastShedAt_ShedsByThatFraction(double shedAt, bool shed)
    {
        // 95 ms expected against a 100 ms deadline: past 0.9 of it (the default), within all of it.
        var (policy, _, backends, _, _) = Build([95, 95], 0, new FastLbOptions { ShedAt = shedAt }, deadlineMs: 100);
        Warm(policy, backends);
        backends[0].OnStarted();
        backends[1].OnStarted();

        int picked = policy.Pick(backends, RequestFeatures.Empty);

        Assert.Equal(shed, picked == IRoutingPolicy.Shed);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Constructor_ShedAtOutOfRange_Refused(double shedAt)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FastLbPolicy(Pools.Context(2), new FastLbOptions { ShedAt = shedAt }));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(double.NaN)]
    public void Constructor_DeadlineNotPositive_Refused(double deadlineMs)
    {
        var context = Pools.Context(2) with { DeadlineMs = deadlineMs };
        Assert.Throws<ArgumentOutOfRangeException>(() => new FastLbPolicy(context));
    }
}

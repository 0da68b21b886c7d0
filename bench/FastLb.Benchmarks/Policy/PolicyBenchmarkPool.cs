using FastLb.Policy;
using FastLb.Policy.Catalog;
using FastLb.Policy.Learning;

namespace FastLb.Benchmarks.Policy;

/// <summary>Builds the pool the policy benchmarks run on, and the pick + report operation they time.</summary>
/// <remarks>
/// The backends carry health reports, latency history and weights so that no policy takes a
/// shortcut an idle, unknown pool would allow; each operation counts picks that returned no
/// backend, and the benchmarks fail at cleanup if there were any, so a broken variant cannot look fast.
/// </remarks>
internal sealed class PolicyBenchmarkPool
{
    /// <summary>fastlb with a model: its prediction-table path (plain <c>fastlb</c> has no model: its fallback path).</summary>
    public const string FastLbWithModel = "fastlb+model";

    private readonly Balancer _balancer;
    private readonly RequestFeatures _request;

    // Latencies vary from report to report, as real ones do: with one constant latency every EWMA
    // converges and stops changing, and a policy could skip its writes in the benchmark only. The
    // stamp picks one (it moves 20,000 ticks, 2.4 steps of 8,192, per request): no division, no shared counter.
    private static readonly RequestOutcome[] s_outcomes =
    [
        new(12.5, 6, 200, OutcomeError.None), new(9.1, 4, 200, OutcomeError.None),
        new(17.3, 8, 200, OutcomeError.None), new(11.8, 5, 200, OutcomeError.None),
        new(14.2, 7, 200, OutcomeError.None), new(8.6, 4, 200, OutcomeError.None),
        new(21.9, 9, 200, OutcomeError.None), new(10.4, 5, 200, OutcomeError.None),
    ];

    private readonly long _origin;
    private int _failures;

    /// <summary>Builds policy <paramref name="policy"/> on <paramref name="backends"/> backends and warms it.</summary>
    public PolicyBenchmarkPool(string policy, int backends)
    {
        var states = new BackendState[backends];
        for (int i = 0; i < states.Length; i++)
        {
            states[i] = new BackendState($"10.0.0.{i + 1}:8080", weight: 1 + (i % 3));
            states[i].SetHealth(new HealthReport(HealthStatus.Healthy, 20 + (i * 7 % 60), i % 6, 15 + (i % 10), 1));
            states[i].OnStarted();
            states[i].OnEnded(new RequestOutcome(10 + (i % 9), 5, 200, OutcomeError.None));
        }

        var context = new PolicyContext(backends, 42, TimeProvider.System) { Routes = ["/api", "/"] };
        IRoutingPolicy? created;
        FastLbPolicy? learned = null;
        if (policy == FastLbWithModel)
        {
            // As the proxy builds it: the table is rebuilt by a timer off the request path, never by
            // a report, so pick + report here is what a request pays. The rebuild itself is timed in
            // LatencyModelBenchmarks.FastLbTableBuild.
            learned = new FastLbPolicy(context with { HostRefreshes = true });
            created = learned;
        }
        else if (!PolicyFactory.TryCreate(policy, context, out created, out string? error))
        {
            throw new InvalidOperationException(error);
        }

        _balancer = new Balancer(created!, states);
        RequestFeatures request = RequestFeatures.Empty;
        request.RouteId = 0;
        request.Method = RequestMethod.Get;
        request.HashKey = 0x1234_5678_9ABC_DEF1UL;
        _request = request;
        _origin = TimeProvider.System.GetTimestamp();

        // Warm: per-backend state filled (and every backend known to fastlb), then, for fastlb with
        // a model, a table published from the model.
        long stamp = _origin;
        for (int i = 0; i < 10_000; i++)
        {
            PickAndReport(ref stamp);
        }

        if (learned is not null)
        {
            learned.SetModel(new BenchmarkLatencyModel());
            if (!learned.HasPredictions)
            {
                throw new InvalidOperationException("fastlb published no prediction table");
            }
        }
    }

    /// <summary>Environment variable naming the policies to run, comma-separated (e.g. <c>round_robin,fastlb+model</c>); unset runs them all.</summary>
    public const string PoliciesVariable = "FASTLB_BENCH_POLICIES";

    /// <summary>Where a thread's request stamps start.</summary>
    public long Origin => _origin;

    /// <summary>Every policy name, plus fastlb with a model; only those in <see cref="PoliciesVariable"/> when it is set.</summary>
    public static IEnumerable<string> Policies()
    {
        string[]? only = Environment.GetEnvironmentVariable(PoliciesVariable)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (string name in PolicyNames.All.Append(FastLbWithModel))
        {
            if (only is null || only.Length == 0 || only.Contains(name))
            {
                yield return name;
            }
        }
    }

    /// <summary>One pick through the balancer and its report.</summary>
    /// <remarks>Requests are stamped as the proxy stamps them when their head is parsed; the stamp
    /// moves 20 us per request (a counter, not a clock read, since reading the clock is the proxy's
    /// cost, paid once per request for its log, not the policy's). Each thread keeps its own
    /// <paramref name="stamp"/>: a stamp shared by two threads would be a cache line both write on
    /// every operation, a cost of the harness that the policies would be blamed for.</remarks>
    public BackendState? PickAndReport(ref long stamp)
    {
        RequestFeatures request = _request;
        request.Timestamp = stamp += 20_000;
        BackendLease lease = default;
        if (_balancer.Acquire(ref request, ref lease) < 0)
        {
            Interlocked.Increment(ref _failures);
            return null;
        }

        BackendState backend = lease.Backend;
        lease.Complete(s_outcomes[(int)(stamp >> 13) & (s_outcomes.Length - 1)]);
        return backend;
    }

    /// <summary>Throws when a pick returned no backend or a request is still counted in flight.</summary>
    public void Verify()
    {
        if (_failures != 0 || _balancer.InFlight != 0)
        {
            throw new InvalidOperationException($"{_failures} picks returned no backend, {_balancer.InFlight} still in flight");
        }
    }
}

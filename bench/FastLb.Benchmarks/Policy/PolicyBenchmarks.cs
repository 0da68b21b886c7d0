using BenchmarkDotNet.Attributes;
using FastLb.Policy;

namespace FastLb.Benchmarks.Policy;

/// <summary>Pick + report through <see cref="Balancer"/> for every policy, one thread, at 4, 16 and 64 backends.</summary>
/// <remarks>Guards every <c>// Hot path: guarded by PolicyBenchmarks</c> Pick. Goals: under 100 ns and 0 B for the classical policies, under 250 ns for fastlb.</remarks>
[MemoryDiagnoser]
public class PolicyBenchmarks
{
    private PolicyBenchmarkPool _pool = null!;
    private long _stamp;

    /// <summary>Every policy name, plus fastlb with a model (a subset when <c>FASTLB_BENCH_POLICIES</c> is set).</summary>
    public static IEnumerable<string> Policies() => PolicyBenchmarkPool.Policies();

    /// <summary>The policy under test.</summary>
    [ParamsSource(nameof(Policies))]
    public string Policy { get; set; } = PolicyNames.RoundRobin;

    /// <summary>Backends in the pool.</summary>
    [Params(4, 16, 64)]
    public int Backends { get; set; } = 16;

    /// <summary>Builds and warms the pool for the current parameters.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _pool = new PolicyBenchmarkPool(Policy, Backends);
        _stamp = _pool.Origin;
    }

    /// <summary>Fails the run if a pick returned nothing or a request was left in flight.</summary>
    [GlobalCleanup]
    public void Cleanup() => _pool.Verify();

    /// <summary>One pick and its report.</summary>
    [Benchmark(Baseline = true)]
    public BackendState? PickAndReport() => _pool.PickAndReport(ref _stamp);
}

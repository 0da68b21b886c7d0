using BenchmarkDotNet.Attributes;
using FastLb.Policy;

namespace FastLb.Benchmarks.Policy;

/// <summary>Pick + report for every policy from two threads at once on one balancer of 4, 16 and 64 backends; time is per operation of one thread.</summary>
/// <remarks>
/// A second thread, parked on an event between invocations, runs <see cref="Operations"/>
/// operations while the benchmark thread runs as many, so the shared counters, random generators
/// and per-backend arrays are written from two cores at once. The time reported is the
/// invocation's wall time over <see cref="Operations"/>: the latency of one pick + report as one
/// thread sees it while the other contends, comparable with <see cref="PolicyBenchmarks"/> (equal
/// when nothing is shared). Results before 2026-12-04 used another definition (bench/RESULTS.md). The event
/// handshake costs about a microsecond per invocation, spread over <see cref="Operations"/> operations.
/// </remarks>
[MemoryDiagnoser]
public class PolicyBenchmarksContended
{
    private const int Operations = 20_000;

    private PolicyBenchmarkPool _pool = null!;
    private Thread _worker = null!;
    private readonly ManualResetEventSlim _go = new(false);
    private readonly ManualResetEventSlim _done = new(false);
    private volatile bool _stop;
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
        _worker = new Thread(WorkerLoop) { IsBackground = true, Name = "contender" };
        _worker.Start();
    }

    /// <summary>Fails the run if a pick returned nothing or a request was left in flight.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _stop = true;
        _go.Set();
        _worker.Join();
        _pool.Verify();
    }

    /// <summary><see cref="Operations"/> operations on this thread while the contender runs as many.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Operations)]
    public void PickAndReportTwoThreads()
    {
        _done.Reset();
        _go.Set();
        Run(ref _stamp);
        _done.Wait();
    }

    private void WorkerLoop()
    {
        long stamp = _pool.Origin;
        while (true)
        {
            _go.Wait();
            _go.Reset();
            if (_stop)
            {
                return;
            }

            Run(ref stamp);
            _done.Set();
        }
    }

    private void Run(ref long stamp)
    {
        // A local copy: the stamp stays in a register, not in a field the other thread's line shares.
        long local = stamp;
        for (int i = 0; i < Operations; i++)
        {
            _pool.PickAndReport(ref local);
        }

        stamp = local;
    }
}

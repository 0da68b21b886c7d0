using BenchmarkDotNet.Attributes;
using FastLb.Policy;

namespace FastLb.Benchmarks.Policy;

/// <summary>Pick + report for every policy from two threads at once on one balancer of 16 backends; time is per operation.</summary>
/// <remarks>
/// A second thread, parked on an event between invocations, runs half of each invocation's
/// operations while the benchmark thread runs the other half, so the shared counters, random
/// generators and per-backend arrays are written from two cores at once. The event handshake costs
/// about a microsecond per invocation, spread over <see cref="Operations"/> operations.
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

    /// <summary>Every policy name, plus fastlb with a model.</summary>
    public static IEnumerable<string> Policies() => PolicyBenchmarkPool.Policies();

    /// <summary>The policy under test.</summary>
    [ParamsSource(nameof(Policies))]
    public string Policy { get; set; } = PolicyNames.RoundRobin;

    /// <summary>Builds and warms the pool for the current parameters.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _pool = new PolicyBenchmarkPool(Policy, 16);
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

    /// <summary>Operations split between this thread and the contender.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Operations)]
    public void PickAndReportTwoThreads()
    {
        _done.Reset();
        _go.Set();
        Run(Operations / 2);
        _done.Wait();
    }

    private void WorkerLoop()
    {
        while (true)
        {
            _go.Wait();
            _go.Reset();
            if (_stop)
            {
                return;
            }

            Run(Operations / 2);
            _done.Set();
        }
    }

    private void Run(int operations)
    {
        for (int i = 0; i < operations; i++)
        {
            _pool.PickAndReport();
        }
    }
}

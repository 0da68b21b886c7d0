using BenchmarkDotNet.Attributes;
using FastLb.Policy;
using FastLb.Policy.Catalog;
using FastLb.Simulation;

namespace FastLb.Benchmarks.Simulation;

/// <summary>Simulated requests per second of the discrete-event simulator (goal: 1M requests in under 10 s); time is per simulated request.</summary>
/// <remarks>
/// The scenario is S1's pool (10 backends, c = 4, lognormal m = 20 ms CV 1) at rho 0.7 with a short
/// warm-up, inlined so the benchmark needs no files. Each invocation runs 100,000 measured requests
/// and checks that it did, so a broken variant cannot look fast.
/// </remarks>
[MemoryDiagnoser]
public class SimulatorBenchmarks
{
    private const int Requests = 100_000;

    private const string Json = """
    {
      "id": "B", "name": "bench", "warmupS": 1, "durationS": 100000,
      "backends": [ { "count": 10, "slots": 4, "service": { "distribution": "lognormal", "meanMs": 20, "cv": 1.0 } } ],
      "arrivals": { "process": "poisson", "load": 0.7 }
    }
    """;

    private Scenario _scenario = null!;
    private ulong _seed;

    /// <summary>The policy driven by the simulator.</summary>
    [Params(PolicyNames.RoundRobin, PolicyNames.LeastConnections)]
    public string Policy { get; set; } = PolicyNames.RoundRobin;

    /// <summary>Parses the scenario once.</summary>
    [GlobalSetup]
    public void Setup() => _scenario = ScenarioLoader.Parse(Json, "bench", "bench.json");

    /// <summary>One run of 100,000 measured requests; BenchmarkDotNet reports the time per simulated request.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Requests)]
    public long Run()
    {
        var options = new SimulationOptions { Seed = ++_seed, MaxRequests = Requests };
        SimulationResult result = new Simulator(_scenario, Create, options).Run();
        if (result.Requests != Requests || result.Latency.Count != Requests)
        {
            throw new InvalidOperationException($"simulated {result.Requests} requests, expected {Requests}");
        }

        return result.Requests;
    }

    /// <summary>The same run with the request log written to a null stream: the cost of <c>--log</c>.</summary>
    [Benchmark(OperationsPerInvoke = Requests)]
    public long RunWithLog()
    {
        var options = new SimulationOptions { Seed = ++_seed, MaxRequests = Requests, Log = Stream.Null };
        SimulationResult result = new Simulator(_scenario, Create, options).Run();
        if (result.Requests != Requests)
        {
            throw new InvalidOperationException($"simulated {result.Requests} requests, expected {Requests}");
        }

        return result.Requests;
    }

    private IRoutingPolicy Create(PolicyContext context) =>
        PolicyFactory.TryCreate(Policy, context, out IRoutingPolicy? policy, out string? error) ? policy! : throw new InvalidOperationException(error);
}

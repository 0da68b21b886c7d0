using BenchmarkDotNet.Attributes;
using FastLb.Policy;
using FastLb.Policy.Learning;
using FastLb.Policy.Prediction;
using FastLb.RequestLog;
using FastLb.Training;

namespace FastLb.Benchmarks.Prediction;

/// <summary>Managed latency-model inference: one prediction for a live backend, for a ready feature row, and a whole rebuild of fastlb's prediction table.</summary>
/// <remarks>
/// The model is trained in setup with ML.NET FastTree to the size a real run keeps: 200 trees of
/// the default leaf count on 11 features. Setup checks the managed evaluator against ML.NET's own
/// predictions, so a broken evaluator fails instead of looking fast.
/// </remarks>
[MemoryDiagnoser]
public class LatencyModelBenchmarks
{
    private const int Rows = 20_000;
    private const int TablePoolSize = 64;
    private TreeLatencyModel _model = null!;
    private FastLbPolicy _learned = null!;
    private BackendState[] _backends = null!;
    private float[] _rows = null!;
    private RequestFeatures _request;
    private int _next;

    /// <summary>Trains the model and prepares the inputs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var data = new RequestLogData(Rows);
        var row = new float[LatencyFeatures.Count];
        for (int i = 0; i < Rows; i++)
        {
            int backend = random.Next(8);
            int inflight = random.Next(20);
            row[LatencyFeatures.Backend] = backend;
            row[LatencyFeatures.Route] = random.Next(6);
            row[LatencyFeatures.Method] = random.Next(1, 5);
            row[LatencyFeatures.RequestBytes] = random.NextDouble() < 0.1 ? float.NaN : random.Next(50_000);
            row[LatencyFeatures.InFlightBackend] = inflight;
            row[LatencyFeatures.InFlightPool] = inflight * 8 + random.Next(10);
            row[LatencyFeatures.EwmaLatencyMs] = (float)(10 + (backend * 5) + (random.NextDouble() * 10));
            row[LatencyFeatures.EwmaErrorRate] = (float)(random.NextDouble() * 0.02);
            row[LatencyFeatures.BackendCpu] = random.NextDouble() < 0.05 ? float.NaN : (float)(random.NextDouble() * 100);
            row[LatencyFeatures.BackendActive] = inflight + random.Next(3);
            row[LatencyFeatures.BackendAvgMs] = random.NextDouble() < 0.3 ? float.NaN : row[LatencyFeatures.EwmaLatencyMs];
            double latency = ((10 + (backend * 5)) * (1 + (0.1 * inflight)) * (row[LatencyFeatures.Route] == 4 ? 3 : 1)) + (random.NextDouble() * 10);
            data.Add(row, (float)latency, i);
        }

        var backends = new FeatureVocabulary();
        var routes = new FeatureVocabulary();
        for (int b = 0; b < 8; b++)
        {
            backends.GetOrAdd($"10.0.0.{b + 1}:9101");
        }

        foreach (string route in new[] { "/api/users", "/api/cart", "/api/orders", "/api/inventory", "/api/payments", "/" })
        {
            routes.GetOrAdd(route);
        }

        var (train, validation) = data.SplitByTime(0.2);
        var options = new LatencyTrainingOptions { Trees = 200, EarlyStopping = 0 };
        var result = new LatencyTrainer(TimeProvider.System).Train(train, validation, backends, routes, options);
        if (result.EvaluatorMaxAbsDiffMs > 1e-4 || result.TreeCount != 200)
        {
            throw new InvalidOperationException($"evaluator differs from ML.NET by {result.EvaluatorMaxAbsDiffMs} ms ({result.TreeCount} trees)");
        }

        _model = result.Model;
        _rows = validation.Features[..(validation.Count * LatencyFeatures.Count)];
        _backends = new BackendState[8];
        for (int b = 0; b < 8; b++)
        {
            _backends[b] = new BackendState($"10.0.0.{b + 1}:9101");
            _backends[b].SetHealth(new HealthReport(HealthStatus.Healthy, 30 + b, b, 12 + b, 0));
            for (int k = 0; k <= b; k++)
            {
                _backends[b].OnStarted();
            }
        }

        _request = RequestFeatures.Empty;
        _request.Method = RequestMethod.Get;
        _request.PoolInFlight = 36;

        // A fastlb pool of 64 backends that knows them all (one pick each), for the table rebuild.
        var pool = new BackendState[TablePoolSize];
        for (int b = 0; b < pool.Length; b++)
        {
            pool[b] = new BackendState($"10.0.{b / 8}.{(b % 8) + 1}:9101");
        }

        var context = new PolicyContext(pool.Length, 42, TimeProvider.System) { Routes = ["/api/orders", "/api/users"] };
        _learned = new FastLbPolicy(context with { HostRefreshes = true });
        var balancer = new Balancer(_learned, pool);
        for (int i = 0; i < 100 * pool.Length; i++)
        {
            RequestFeatures request = RequestFeatures.Empty;
            BackendLease lease = default;
            balancer.Acquire(ref request, ref lease);
            lease.Complete(new RequestOutcome(12, 6, 200, OutcomeError.None));
        }
    }

    /// <summary>One rebuild of fastlb's prediction table with the trained model, at 64 backends x 3 route slots x 8
    /// in-flight points (1,536 predictions): what the proxy's timer does every 200 ms, off the request path.</summary>
    [Benchmark]
    public bool FastLbTableBuild()
    {
        _learned.SetModel(_model);
        return _learned.HasPredictions;
    }

    /// <summary>What the learned policy's refresh calls: features from live state, then the trees.</summary>
    [Benchmark(Baseline = true)]
    public double PredictMs_LiveBackend()
    {
        BackendState backend = _backends[_next++ & 7];
        return _model.PredictMs(backend, "/api/orders", _request);
    }

    /// <summary>The trees alone, on logged rows (with missing values).</summary>
    [Benchmark]
    public double PredictMs_FeatureRow()
    {
        int row = _next++ % (_rows.Length / LatencyFeatures.Count);
        return _model.PredictMs(_rows.AsSpan(row * LatencyFeatures.Count, LatencyFeatures.Count));
    }
}

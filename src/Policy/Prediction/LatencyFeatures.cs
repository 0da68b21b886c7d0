namespace FastLb.Policy.Prediction;

/// <summary>The latency model's feature vector: what is known when a backend is picked, in one fixed order.</summary>
/// <remarks>
/// Two fillers, one per source (a parsed request-log row, a live backend), write the same order;
/// a model trained with another list or <see cref="Version"/> is refused on load. Values are
/// float32 because the trees split on float32 thresholds; unknown values are NaN, which
/// <see cref="TreeLatencyModel"/> treats as missing (the split's missing branch; the trainer
/// trains them as a value below every real one, so that branch is where they went in training).
/// Categories (backend, route) are codes from the model's own vocabularies, used as ordinals.
/// </remarks>
internal static class LatencyFeatures
{
    /// <summary>Feature-set version stored in model files; bump it when the list or a meaning changes.</summary>
    public const string Version = "fastlb-latency-features/1";

    /// <summary>Index of the backend code.</summary>
    public const int Backend = 0;

    /// <summary>Index of the route code.</summary>
    public const int Route = 1;

    /// <summary>Index of the method (<see cref="RequestMethod"/> as a number).</summary>
    public const int Method = 2;

    /// <summary>Index of the request body size in bytes.</summary>
    public const int RequestBytes = 3;

    /// <summary>Index of the backend's in-flight requests.</summary>
    public const int InFlightBackend = 4;

    /// <summary>Index of the pool's in-flight requests.</summary>
    public const int InFlightPool = 5;

    /// <summary>Index of the backend's smoothed latency.</summary>
    public const int EwmaLatencyMs = 6;

    /// <summary>Index of the backend's smoothed error rate.</summary>
    public const int EwmaErrorRate = 7;

    /// <summary>Index of the backend's reported CPU percent.</summary>
    public const int BackendCpu = 8;

    /// <summary>Index of the backend's reported active requests.</summary>
    public const int BackendActive = 9;

    /// <summary>Index of the backend's reported average response time.</summary>
    public const int BackendAvgMs = 10;

    /// <summary>Number of features.</summary>
    public const int Count = 11;

    /// <summary>Feature names, index = position; the request-log column each comes from.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "backend", "route", "method", "req_bytes", "inflight_backend", "inflight_pool",
        "ewma_latency_ms", "ewma_error_rate", "backend_cpu", "backend_active", "backend_avg_ms",
    ];

    /// <summary>Fills <paramref name="destination"/> from a live backend and request, as the learned policy sees them.</summary>
    /// <param name="destination">At least <see cref="Count"/> floats.</param>
    /// <param name="backends">The model's backend vocabulary.</param>
    /// <param name="routes">The model's route vocabulary.</param>
    /// <param name="backend">The candidate backend.</param>
    /// <param name="route">The matched route's path prefix, or null.</param>
    /// <param name="request">The request's features.</param>
    public static void Fill(
        Span<float> destination,
        FeatureVocabulary backends,
        FeatureVocabulary routes,
        BackendState backend,
        string? route,
        in RequestFeatures request)
    {
        // Hot path (called from the learned policy's refresh, not per pick): LatencyModelBenchmarks.
        HealthReport health = backend.Health;
        destination[Backend] = Code(backends.CodeOf(backend.Id));
        destination[Route] = Code(routes.CodeOf(route));
        destination[Method] = (float)request.Method;
        destination[RequestBytes] = KnownOrMissing(request.RequestBytes);
        destination[InFlightBackend] = backend.InFlight;
        destination[InFlightPool] = request.PoolInFlight;
        destination[EwmaLatencyMs] = (float)backend.EwmaLatencyMs;
        destination[EwmaErrorRate] = (float)backend.EwmaErrorRate;
        destination[BackendCpu] = KnownOrMissing(health.CpuPercent);
        destination[BackendActive] = KnownOrMissing(health.ActiveRequests);
        destination[BackendAvgMs] = KnownOrMissing(health.AvgResponseMs);
    }

    /// <summary>Fills <paramref name="destination"/> from a parsed request-log row (codes already looked up).</summary>
    /// <param name="destination">At least <see cref="Count"/> floats.</param>
    /// <param name="row">The row's decision-time columns.</param>
    public static void Fill(Span<float> destination, in RequestLogRow row)
    {
        destination[Backend] = Code(row.BackendCode);
        destination[Route] = Code(row.RouteCode);
        destination[Method] = (float)row.Method;
        destination[RequestBytes] = KnownOrMissing(row.RequestBytes);
        destination[InFlightBackend] = (float)row.InFlightBackend;
        destination[InFlightPool] = (float)row.InFlightPool;
        destination[EwmaLatencyMs] = (float)row.EwmaLatencyMs;
        destination[EwmaErrorRate] = (float)row.EwmaErrorRate;
        destination[BackendCpu] = KnownOrMissing(row.BackendCpu);
        destination[BackendActive] = KnownOrMissing(row.BackendActive);
        destination[BackendAvgMs] = KnownOrMissing(row.BackendAvgMs);
    }

    /// <summary>The <see cref="RequestMethod"/> of a log's method field; uncommon methods are <see cref="RequestMethod.Other"/>.</summary>
    public static RequestMethod ParseMethod(ReadOnlySpan<byte> method) => method switch
    {
        _ when method.SequenceEqual("GET"u8) => RequestMethod.Get,
        _ when method.SequenceEqual("POST"u8) => RequestMethod.Post,
        _ when method.SequenceEqual("PUT"u8) => RequestMethod.Put,
        _ when method.SequenceEqual("DELETE"u8) => RequestMethod.Delete,
        _ when method.SequenceEqual("HEAD"u8) => RequestMethod.Head,
        _ when method.SequenceEqual("PATCH"u8) => RequestMethod.Patch,
        _ when method.SequenceEqual("OPTIONS"u8) => RequestMethod.Options,
        _ => RequestMethod.Other,
    };

    // -1 is the log's "unknown" (docs/FORMATS.md); any negative is treated the same since none is meaningful.
    private static float KnownOrMissing(double value) => value < 0 ? float.NaN : (float)value;

    private static float Code(int code) => code < 0 ? float.NaN : code;
}

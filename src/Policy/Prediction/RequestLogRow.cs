namespace FastLb.Policy.Prediction;

/// <summary>The decision-time columns of one request-log row, parsed, with categories already coded.</summary>
internal struct RequestLogRow
{
    /// <summary>Code of the backend id in the backend vocabulary, or -1.</summary>
    public int BackendCode;

    /// <summary>Code of the route in the route vocabulary, or -1 (empty route).</summary>
    public int RouteCode;

    /// <summary>The method.</summary>
    public RequestMethod Method;

    /// <summary>req_bytes, -1 when unknown.</summary>
    public double RequestBytes;

    /// <summary>inflight_backend.</summary>
    public double InFlightBackend;

    /// <summary>inflight_pool.</summary>
    public double InFlightPool;

    /// <summary>ewma_latency_ms.</summary>
    public double EwmaLatencyMs;

    /// <summary>ewma_error_rate.</summary>
    public double EwmaErrorRate;

    /// <summary>backend_cpu, -1 when unknown.</summary>
    public double BackendCpu;

    /// <summary>backend_active, -1 when unknown.</summary>
    public double BackendActive;

    /// <summary>backend_avg_ms, -1 when unknown.</summary>
    public double BackendAvgMs;
}

namespace FastLb.RequestLog;

/// <summary>The request-log columns (docs/FORMATS.md): all are required in a header, in any order; more may follow.</summary>
internal static class RequestLogColumns
{
    /// <summary>When the request head was parsed (ms since the Unix epoch).</summary>
    public const string Timestamp = "ts_unix_ms";

    /// <summary>The backend id.</summary>
    public const string Backend = "backend";

    /// <summary>The matched route's path prefix.</summary>
    public const string Route = "route";

    /// <summary>The request method.</summary>
    public const string Method = "method";

    /// <summary>Request body bytes, -1 when unknown.</summary>
    public const string RequestBytes = "req_bytes";

    /// <summary>The target: latency in ms.</summary>
    public const string LatencyMs = "latency_ms";

    /// <summary>The backend's in-flight at decision time.</summary>
    public const string InFlightBackend = "inflight_backend";

    /// <summary>The pool's in-flight at decision time.</summary>
    public const string InFlightPool = "inflight_pool";

    /// <summary>The backend's smoothed latency at decision time.</summary>
    public const string EwmaLatencyMs = "ewma_latency_ms";

    /// <summary>The backend's smoothed error rate at decision time.</summary>
    public const string EwmaErrorRate = "ewma_error_rate";

    /// <summary>Reported CPU percent, -1 when unknown.</summary>
    public const string BackendCpu = "backend_cpu";

    /// <summary>Reported active requests, -1 when unknown.</summary>
    public const string BackendActive = "backend_active";

    /// <summary>Reported average response ms, -1 when unknown.</summary>
    public const string BackendAvgMs = "backend_avg_ms";

    /// <summary>The attempt's number within its request; optional, since logs written before it was added lack it.</summary>
    public const string Attempt = "attempt";

    /// <summary>Every required column, in the order the writer uses (<see cref="RequestLogCsv.Columns"/>, less the optional <see cref="Attempt"/>).</summary>
    public static IReadOnlyList<string> Required { get; } = [.. RequestLogCsv.Columns.Where(c => c != Attempt)];
}

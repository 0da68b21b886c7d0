namespace FastLb.Policy.Logging;

/// <summary>One row of the request log (docs/FORMATS.md, "Request log CSV"): what a request was, where it went, how it ended, and the state the pick saw.</summary>
/// <remarks>
/// A plain struct with fields, like <see cref="RequestFeatures"/>, so the proxy can fill one on the
/// hot path and queue it by value. Strings are the caller's (interned pool, backend, route and
/// policy names; the request id) and are written as they are, quoted when they need it.
/// Numbers that are unknown are -1, as in the health report.
/// </remarks>
public struct RequestLogRecord
{
    /// <summary>When the request head was parsed, in ms since the Unix epoch (<c>ts_unix_ms</c>).</summary>
    public long TsUnixMs;

    /// <summary>X-Request-Id, given or assigned (<c>request_id</c>).</summary>
    public string? RequestId;

    /// <summary>The pool's name (<c>pool</c>).</summary>
    public string? Pool;

    /// <summary>The backend's id, usually its address (<c>backend</c>).</summary>
    public string? Backend;

    /// <summary>The matched route's path prefix (<c>route</c>); empty when none.</summary>
    public string? Route;

    /// <summary>The request method as sent, e.g. <c>GET</c> (<c>method</c>); see <see cref="RequestLogCsv.MethodName"/>.</summary>
    public string? Method;

    /// <summary>Request body bytes when framed by Content-Length, else -1 (<c>req_bytes</c>).</summary>
    public long ReqBytes;

    /// <summary>Response status, 0 when none came back (<c>status</c>).</summary>
    public int Status;

    /// <summary>From the request head parsed to the last response byte sent, in ms (<c>latency_ms</c>).</summary>
    public double LatencyMs;

    /// <summary>From the request head parsed to the first response byte, in ms (<c>ttfb_ms</c>).</summary>
    public double TtfbMs;

    /// <summary>Transport or protocol failure (<c>error</c>: empty, connect, timeout, reset or protocol).</summary>
    public OutcomeError Error;

    /// <summary>The policy that picked the backend (<c>policy</c>).</summary>
    public string? Policy;

    /// <summary>Requests in flight on the backend at decision time, not counting this one (<c>inflight_backend</c>).</summary>
    public int InflightBackend;

    /// <summary>Requests in flight in the pool at decision time (<c>inflight_pool</c>).</summary>
    public int InflightPool;

    /// <summary>The backend's smoothed latency at decision time, in ms (<c>ewma_latency_ms</c>).</summary>
    public double EwmaLatencyMs;

    /// <summary>The backend's smoothed error rate at decision time (<c>ewma_error_rate</c>).</summary>
    public double EwmaErrorRate;

    /// <summary>CPU percent from the backend's last health report, -1 when unknown (<c>backend_cpu</c>).</summary>
    public double BackendCpu;

    /// <summary>Active requests from the backend's last health report, -1 when unknown (<c>backend_active</c>).</summary>
    public int BackendActive;

    /// <summary>Average response ms from the backend's last health report, -1 when unknown (<c>backend_avg_ms</c>).</summary>
    public double BackendAvgMs;

    /// <summary>Fills the decision-time state columns from <paramref name="backend"/> as it is now.</summary>
    /// <param name="backend">The picked backend.</param>
    /// <param name="inflightBackend">Its in-flight count before this request was counted on it.</param>
    /// <param name="inflightPool">The pool's in-flight count at the pick (<see cref="RequestFeatures.PoolInFlight"/>).</param>
    public void CaptureState(BackendState backend, int inflightBackend, int inflightPool)
    {
        InflightBackend = inflightBackend;
        InflightPool = inflightPool;
        EwmaLatencyMs = backend.EwmaLatencyMs;
        EwmaErrorRate = backend.EwmaErrorRate;
        HealthReport health = backend.Health;
        BackendCpu = health.CpuPercent;
        BackendActive = health.ActiveRequests;
        BackendAvgMs = health.AvgResponseMs;
    }
}

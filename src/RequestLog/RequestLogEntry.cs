using System.Globalization;
using FastLb.Policy;

namespace FastLb.RequestLog;

/// <summary>One row of the request log (docs/FORMATS.md, "Request log CSV"): what a request was, where it went, how it ended, and the state the pick saw.</summary>
/// <remarks>
/// The one record type of the log, written by the proxy (CSV and PostgreSQL sinks) and the
/// simulator, in the column order of <see cref="RequestLogCsv.Header"/>. A plain struct with
/// fields so the proxy can fill one on the hot path and queue it by value without allocating:
/// strings here are config-owned (pool, backend, route and policy names), an assigned request
/// id is kept as a number and the method as <see cref="RequestMethod"/>, and both are
/// formatted only when the record is written. Numbers that are unknown are -1, as in the health report.
/// </remarks>
public struct RequestLogEntry
{
    /// <summary>When the request head was parsed, in ms since the Unix epoch (<c>ts_unix_ms</c>).</summary>
    public long TsUnixMs;

    /// <summary>The request id the proxy assigned, written as 16 hex digits (<c>request_id</c>); 0 when none was assigned.</summary>
    public ulong AssignedRequestId;

    /// <summary>The request id as given (a client's X-Request-Id, a simulated request's name); written instead of <see cref="AssignedRequestId"/> when set.</summary>
    public string? GivenRequestId;

    /// <summary>The pool's name (<c>pool</c>).</summary>
    public string? Pool;

    /// <summary>The backend's id, usually its address (<c>backend</c>).</summary>
    public string? Backend;

    /// <summary>The matched route's path prefix (<c>route</c>); null or empty when none.</summary>
    public string? Route;

    /// <summary>The policy that picked the backend (<c>policy</c>).</summary>
    public string? Policy;

    /// <summary>The request method (<c>method</c>), written by <see cref="RequestLogCsv.MethodName"/>.</summary>
    public RequestMethod Method;

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

    /// <summary>Requests in flight on the backend at decision time, not counting this one (<c>inflight_backend</c>).</summary>
    public int InflightBackend;

    /// <summary>Requests in flight in the pool at decision time (<c>inflight_pool</c>).</summary>
    public int InflightPool;

    /// <summary>The backend's smoothed latency at decision time, in ms (<c>ewma_latency_ms</c>).</summary>
    public double EwmaLatencyMs;

    /// <summary>The backend's smoothed error rate at decision time (<c>ewma_error_rate</c>).</summary>
    public double EwmaErrorRate;

    /// <summary>The backend's last health report at decision time (<c>backend_cpu</c>, <c>backend_active</c>, <c>backend_avg_ms</c>); null when unknown.</summary>
    public HealthReport? Health;

    /// <summary>The attempt's number within its request, 0 for the first (<c>attempt</c>): a retry is a row of its own with the same request id.</summary>
    public int Attempt;

    /// <summary>The <c>request_id</c> column's text: <see cref="GivenRequestId"/>, else the assigned id in hex, else empty.</summary>
    /// <remarks>Allocates; for sinks that need a string (PostgreSQL). The CSV writer formats the number in place.</remarks>
    public readonly string RequestIdText() =>
        GivenRequestId ?? (AssignedRequestId == 0 ? "" : AssignedRequestId.ToString("x16", CultureInfo.InvariantCulture));

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
        Health = backend.Health;
    }
}

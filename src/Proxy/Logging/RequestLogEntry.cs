using FastLb.Policy;

namespace FastLb.Proxy.Logging;

/// <summary>One proxied request as queued for the request log; strings here are config-owned, so queuing allocates nothing.</summary>
internal struct RequestLogEntry
{
    /// <summary>Unix ms when the request head was parsed.</summary>
    public long TsUnixMs;

    /// <summary>The assigned request id, when the client gave none.</summary>
    public ulong AssignedRequestId;

    /// <summary>The client's X-Request-Id, when it gave one (the one string the log must copy).</summary>
    public string? GivenRequestId;

    /// <summary>Pool name.</summary>
    public string Pool;

    /// <summary>Backend id.</summary>
    public string Backend;

    /// <summary>Matched route's path prefix, or null.</summary>
    public string? Route;

    /// <summary>Policy name.</summary>
    public string Policy;

    /// <summary>Request method as a feature.</summary>
    public RequestMethod Method;

    /// <summary>Body bytes when framed by Content-Length, else -1.</summary>
    public long ReqBytes;

    /// <summary>Response status, 0 when none.</summary>
    public int Status;

    /// <summary>Head parsed to last response byte.</summary>
    public double LatencyMs;

    /// <summary>Head parsed to first response byte.</summary>
    public double TtfbMs;

    /// <summary>Transport or protocol error.</summary>
    public OutcomeError Error;

    /// <summary>The backend's in-flight at decision time.</summary>
    public int InflightBackend;

    /// <summary>The pool's in-flight at decision time.</summary>
    public int InflightPool;

    /// <summary>The backend's smoothed latency at decision time.</summary>
    public double EwmaLatencyMs;

    /// <summary>The backend's smoothed error rate at decision time.</summary>
    public double EwmaErrorRate;

    /// <summary>The backend's last health report at decision time.</summary>
    public HealthReport Health;
}

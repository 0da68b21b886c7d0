using FastLb.Policy;
using FastLb.Proxy.Configuration;
using FastLb.Proxy.Runtime;

namespace FastLb.Proxy.Forwarding;

/// <summary>The state of the request in progress on a client connection; one per connection, reset per request.</summary>
internal sealed class Exchange
{
    /// <summary>The current attempt, from its pick until its outcome is reported (see <see cref="BackendLease"/>).</summary>
    /// <remarks>A field, so that the lease is completed in place, never through a copy.</remarks>
    public BackendLease Lease;

    /// <summary>The limits of the routing snapshot the request was read under; used until it ends.</summary>
    public LimitsOptions Limits { get; private set; } = null!;

    /// <summary>The current attempt's number, 0 for the first (see <see cref="RetryRule"/>).</summary>
    public int Attempt { get; set; }

    /// <summary>The pool the request was routed to.</summary>
    public PoolRuntime Pool { get; private set; } = null!;

    /// <summary>The matched route's path prefix.</summary>
    public string? Route { get; private set; }

    /// <summary>When the head was parsed (<see cref="TimeProvider.GetTimestamp"/>).</summary>
    public long Started { get; private set; }

    /// <summary>The same instant as Unix ms, for the log.</summary>
    public long UnixMs { get; private set; }

    /// <summary>When the first response byte arrived, 0 before.</summary>
    public long FirstByte { get; set; }

    /// <summary>The backend picked last.</summary>
    public BackendRuntime? Backend { get; private set; }

    /// <summary>The backend's in-flight at decision time (not counting this request).</summary>
    public int InflightBackend { get; private set; }

    /// <summary>The backend's smoothed latency at decision time.</summary>
    public double EwmaLatencyMs { get; private set; }

    /// <summary>The backend's smoothed error rate at decision time.</summary>
    public double EwmaErrorRate { get; private set; }

    /// <summary>The backend's last health report at decision time.</summary>
    public HealthReport? Health { get; private set; }

    /// <summary>The response status, 0 before one came.</summary>
    public int Status { get; set; }

    /// <summary>The transport or protocol error, if any.</summary>
    public OutcomeError Error { get; set; }

    /// <summary>Whether the client connection can take another request after this one.</summary>
    public bool ClientKeepAlive { get; set; }

    /// <summary>Starts a new request.</summary>
    public void Reset(PoolRuntime pool, string? route, LimitsOptions limits, long started, long unixMs)
    {
        Limits = limits;
        Attempt = 0;
        Pool = pool;
        Route = route;
        Started = started;
        UnixMs = unixMs;
        FirstByte = 0;
        Backend = null;
        Status = 0;
        Error = OutcomeError.None;
        ClientKeepAlive = false;
    }

    /// <summary>Records the backend picked and its state at decision time.</summary>
    public void Decided(BackendRuntime backend)
    {
        Backend = backend;
        BackendState state = backend.State;
        InflightBackend = Math.Max(0, state.InFlight - 1);
        EwmaLatencyMs = state.EwmaLatencyMs;
        EwmaErrorRate = state.EwmaErrorRate;
        Health = state.Health;
        FirstByte = 0;
        Status = 0;
        Error = OutcomeError.None;
    }
}

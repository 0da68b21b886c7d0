using FastLb.Policy;
using FastLb.Proxy.Configuration;
using FastLb.Proxy.Runtime;
using FastLb.Proxy.Transport;

namespace FastLb.Proxy.Forwarding;

/// <summary>The state of the request in progress on a client connection; one per connection, reset per request.</summary>
internal sealed class Exchange
{
    /// <summary>The current attempt, from its pick until its outcome is reported (see <see cref="BackendLease"/>).</summary>
    /// <remarks>A field, so that the lease is completed in place, never through a copy.</remarks>
    public BackendLease Lease;

    /// <summary>A hedge's second attempt while it races the first (see <see cref="HttpProxyConnection"/>'s hedging); empty otherwise.</summary>
    public BackendLease HedgeLease;

    /// <summary>The limits of the routing snapshot the request was read under; used until it ends.</summary>
    public LimitsOptions Limits { get; private set; } = null!;

    /// <summary>The request as the policy sees it; a retry sets its exclusion here.</summary>
    /// <remarks>A field, so that the retry rule updates it in place.</remarks>
    public RequestFeatures Features;

    /// <summary>The current attempt's number, 0 for the first (see <see cref="RetryRule"/>).</summary>
    public int Attempt { get; set; }

    /// <summary>How the request is retried: its route's settings, or the defaults for a listener's default pool.</summary>
    public RetrySettings Retry { get; private set; } = RetrySettings.Default;

    /// <summary>Time the backend has to send its response head, in ms (the route's, else the limit).</summary>
    public int ResponseHeaderTimeoutMs { get; private set; }

    /// <summary>Time to connect to a backend (the route's, else the limit).</summary>
    public TimeSpan ConnectTimeout { get; private set; }

    /// <summary>When the request's total timeout runs out (a timestamp); <see cref="long.MaxValue"/> for none.</summary>
    public long TotalDeadline { get; private set; }

    /// <summary>The route's hedging, null when it hedges nothing.</summary>
    public HedgeOptions? Hedge => RouteConfig?.Hedge;

    /// <summary>The upstream connection of the current attempt; a hedge that wins replaces it.</summary>
    public UpstreamConnection? Upstream { get; set; }

    /// <summary>Bytes of request body kept in the input buffer for a retry (sent from there on every attempt); 0 when the body streams or there is none.</summary>
    public long HeldBody { get; set; }

    /// <summary>The pool the request was routed to.</summary>
    public PoolRuntime Pool { get; private set; } = null!;

    /// <summary>The matched route, null for a listener's default pool.</summary>
    public RouteConfig? RouteConfig { get; private set; }

    /// <summary>The matched route's path prefix.</summary>
    public string? Route => RouteConfig?.PathPrefix;

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

    /// <summary>How the last attempt failed when it is retried.</summary>
    public RetryableFailure RetryFailure { get; set; }

    /// <summary>Whether the client connection can take another request after this one.</summary>
    public bool ClientKeepAlive { get; set; }

    /// <summary>Starts a new request.</summary>
    public void Reset(PoolRuntime pool, RouteConfig? route, LimitsOptions limits, long started, long unixMs, long frequency)
    {
        Limits = limits;
        Attempt = 0;
        Pool = pool;
        RouteConfig = route;
        Retry = route?.Retry ?? RetrySettings.Default;
        ResponseHeaderTimeoutMs = route?.ResponseHeaderTimeoutMs ?? limits.ResponseHeaderTimeoutMs;
        ConnectTimeout = TimeSpan.FromMilliseconds(route?.ConnectTimeoutMs ?? limits.UpstreamConnectTimeoutMs);
        TotalDeadline = route?.TotalTimeoutMs is int total ? started + (total * frequency / 1000) : long.MaxValue;
        HeldBody = 0;
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
        RetryFailure = RetryableFailure.None;
    }
}

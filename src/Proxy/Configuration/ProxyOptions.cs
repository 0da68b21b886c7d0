namespace FastLb.Proxy.Configuration;

/// <summary>The config file (<c>fastlb.json</c>) as bound, before validation (README, "Config reference").</summary>
internal sealed class ProxyOptions
{
    /// <summary>The admin listener; never on a client port.</summary>
    public AdminOptions Admin { get; set; } = new();

    /// <summary>Client-facing listeners.</summary>
    public List<ListenerOptions> Listeners { get; set; } = [];

    /// <summary>HTTP routes: listener, Host and path prefix to a pool.</summary>
    public List<RouteOptions> Routes { get; set; } = [];

    /// <summary>Backend pools.</summary>
    public List<PoolOptions> Pools { get; set; } = [];

    /// <summary>Size and time limits.</summary>
    public LimitsOptions Limits { get; set; } = new();

    /// <summary>The latency model used by the <c>fastlb</c> policy.</summary>
    public ModelOptions Model { get; set; } = new();

    /// <summary>The request log (training data).</summary>
    public RequestLogOptions RequestLog { get; set; } = new();
}

/// <summary>The admin listener's options.</summary>
internal sealed class AdminOptions
{
    /// <summary>Address and port of the admin endpoint.</summary>
    public string Listen { get; set; } = "127.0.0.1:9090";
}

/// <summary>One client-facing listener.</summary>
internal sealed class ListenerOptions
{
    /// <summary>Name that routes refer to.</summary>
    public string? Name { get; set; }

    /// <summary>Address and port to accept on.</summary>
    public string? Listen { get; set; }

    /// <summary><c>http</c> or <c>tcp</c>.</summary>
    public string Mode { get; set; } = "http";

    /// <summary>The pool a tcp listener forwards to, or an http listener's default pool when no route matches.</summary>
    public string? Pool { get; set; }

    /// <summary>tcp mode: forward with splice(2) where the kernel allows it (else copy through a buffer).</summary>
    public bool Splice { get; set; } = true;
}

/// <summary>One HTTP route.</summary>
internal sealed class RouteOptions
{
    /// <summary>The listener the route belongs to.</summary>
    public string? Listener { get; set; }

    /// <summary>The Host to match (without port), or null for any.</summary>
    public string? Host { get; set; }

    /// <summary>The path prefix to match.</summary>
    public string PathPrefix { get; set; } = "/";

    /// <summary>The pool requests go to.</summary>
    public string? Pool { get; set; }

    /// <summary>Token-bucket limits per client address and for the whole route; null for none.</summary>
    public RateLimitOptions? RateLimit { get; set; }

    /// <summary>A JWT every request of the route must present; null for none.</summary>
    public JwtOptions? Jwt { get; set; }

    /// <summary>How requests of this route are retried; null keeps the defaults (<see cref="RetryOptions"/>).</summary>
    public RetryOptions? Retry { get; set; }

    /// <summary>Timeouts of this route that override the <c>limits</c> section; null keeps those.</summary>
    public RouteTimeoutOptions? Timeouts { get; set; }

    /// <summary>Hedging of idempotent requests without a body; null (the default) hedges nothing.</summary>
    public HedgeOptions? Hedge { get; set; }
}

/// <summary>A route's hedging: a second copy of a slow idempotent request to another backend, the first answer wins.</summary>
internal sealed class HedgeOptions
{
    /// <summary>Time without a response byte before the second copy goes; 0 uses the pool's p95 latency over the last seconds (a bucket bound of its histogram).</summary>
    public int DelayMs { get; set; }

    /// <summary>Hedges allowed as a percentage of the pool's requests over the last 10 s.</summary>
    public double MaxPercent { get; set; } = 5;
}

/// <summary>A route's retries beyond the always-safe ones (failed connect, closed kept-alive connection, 503 with <c>Retry-After: 0</c>).</summary>
internal sealed class RetryOptions
{
    /// <summary>Attempts in all, the first included; 1 turns retries off.</summary>
    public int Attempts { get; set; } = 3;

    /// <summary>What else an idempotent request is retried on: <c>timeout</c> (no response head in time) and response statuses such as <c>502</c>, <c>503</c>, <c>504</c>.</summary>
    public List<string> On { get; set; } = ["timeout"];

    /// <summary>Largest request body kept for a retry (Content-Length bodies only).</summary>
    public long BodyBytes { get; set; } = 16 * 1024;

    /// <summary>Base of the jittered exponential backoff between attempts, in ms; 0 retries at once.</summary>
    public int BackoffMs { get; set; }
}

/// <summary>A route's own timeouts; each one left out falls back to the <c>limits</c> section.</summary>
internal sealed class RouteTimeoutOptions
{
    /// <summary>Time to connect to a backend (502 when it runs out and no retry is left).</summary>
    public int? ConnectMs { get; set; }

    /// <summary>Time a backend has to send its response head (504).</summary>
    public int? ResponseHeaderMs { get; set; }

    /// <summary>Time the whole request may take, all attempts included: 504 before the response head, the connection closed after it.</summary>
    public int? TotalMs { get; set; }
}

/// <summary>One backend pool.</summary>
internal sealed class PoolOptions
{
    /// <summary>Name that routes and listeners refer to.</summary>
    public string? Name { get; set; }

    /// <summary>Routing policy name (PolicyNames).</summary>
    public string Policy { get; set; } = "round_robin";

    /// <summary>The pool's backends.</summary>
    public List<BackendOptions> Backends { get; set; } = [];

    /// <summary>Affinity key for <c>consistent_hash</c>: <c>client</c> (default), <c>header:NAME</c> or <c>cookie:NAME</c>.</summary>
    public string? HashKey { get; set; }

    /// <summary>Active health check; null means passive checks only.</summary>
    public HealthCheckOptions? HealthCheck { get; set; }

    /// <summary>How long a request may take before its client gives up, in ms; null means no deadline.</summary>
    /// <remarks>A policy that predicts latency (<c>fastlb</c> with a model) sheds a request it predicts would
    /// not be answered in time (503 at once); the other policies ignore it.</remarks>
    public int? DeadlineMs { get; set; }

    /// <summary>Passive failure detection: each backend's circuit breaker.</summary>
    public BreakerOptions Breaker { get; set; } = new();

    /// <summary>Latency outlier ejection; null turns it off.</summary>
    public OutlierOptions? OutlierDetection { get; set; }

    /// <summary>Time over which a backend that comes back ramps from a tenth of its share to all of it; 0 turns slow start off.</summary>
    public int SlowStartMs { get; set; }

    /// <summary>The pool's retry budget.</summary>
    public RetryBudgetOptions RetryBudget { get; set; } = new();

    /// <summary>Concurrency cap per backend and the queue in front of it.</summary>
    public ConcurrencyOptions Concurrency { get; set; } = new();
}

/// <summary>How many requests a backend serves at once, and what happens to the rest.</summary>
internal sealed class ConcurrencyOptions
{
    /// <summary>Requests in flight per backend; 0 means no cap.</summary>
    public int PerBackend { get; set; }

    /// <summary>Requests that may wait when every backend is at its cap; 0 answers 503 at once.</summary>
    public int Queue { get; set; }

    /// <summary>Time a request may wait in the queue before it is answered 503.</summary>
    public int QueueTimeoutMs { get; set; } = 1000;
}

/// <summary>A backend's circuit breaker: when it opens, how long it stays open.</summary>
internal sealed class BreakerOptions
{
    /// <summary>Failures in a row that open the circuit.</summary>
    public int ConsecutiveFailures { get; set; } = 5;

    /// <summary>Share of failed requests over <see cref="WindowMs"/> that opens the circuit, in (0, 1]; 0 turns the rate test off.</summary>
    public double ErrorRate { get; set; } = 0.5;

    /// <summary>Requests the window must hold before the error rate is judged.</summary>
    public int MinRequests { get; set; } = 20;

    /// <summary>Sliding window of the error rate, at most 15 s.</summary>
    public int WindowMs { get; set; } = 10000;

    /// <summary>Time open before one probe request is let through; doubles after each failed probe.</summary>
    public int CoolDownMs { get; set; } = 1000;

    /// <summary>Upper bound of the growing cool-down.</summary>
    public int MaxCoolDownMs { get; set; } = 30000;

    /// <summary>Response statuses counted as failures besides transport errors and timeouts (none by default).</summary>
    public List<int> Statuses { get; set; } = [];
}

/// <summary>Latency outlier ejection.</summary>
internal sealed class OutlierOptions
{
    /// <summary>A backend is an outlier when its smoothed latency exceeds this multiple of the median of the pool's other backends.</summary>
    public double Ratio { get; set; } = 3;

    /// <summary>Time it must stay an outlier before it is ejected.</summary>
    public int WindowMs { get; set; } = 5000;

    /// <summary>Latency below which no backend is an outlier, whatever the ratio.</summary>
    public double MinLatencyMs { get; set; } = 5;

    /// <summary>First ejection's length; each ejection in a row doubles it.</summary>
    public int BaseEjectionMs { get; set; } = 10000;

    /// <summary>Upper bound of the ejection's length.</summary>
    public int MaxEjectionMs { get; set; } = 300000;

    /// <summary>Largest share of the pool ejected at once, in percent (at least one backend always stays).</summary>
    public int MaxEjectedPercent { get; set; } = 50;
}

/// <summary>Retries a pool accepts: a share of its requests over the last 10 s, with a floor.</summary>
internal sealed class RetryBudgetOptions
{
    /// <summary>Retries allowed as a percentage of the pool's requests over the last 10 s.</summary>
    public double Percent { get; set; } = 20;

    /// <summary>Retries allowed per second whatever the traffic.</summary>
    public double MinPerSecond { get; set; } = 3;
}

/// <summary>One backend.</summary>
internal sealed class BackendOptions
{
    /// <summary>Address and port.</summary>
    public string? Address { get; set; }

    /// <summary>Relative capacity, at least 1.</summary>
    public int Weight { get; set; } = 1;
}

/// <summary>Active HTTP health check of a pool's backends.</summary>
internal sealed class HealthCheckOptions
{
    /// <summary>Path to GET.</summary>
    public string Path { get; set; } = "/health";

    /// <summary>Time between checks of one backend.</summary>
    public int IntervalMs { get; set; } = 1000;

    /// <summary>Time a check may take.</summary>
    public int TimeoutMs { get; set; } = 500;

    /// <summary><c>http</c> (GET <see cref="Path"/>) or <c>tcp</c> (a connect).</summary>
    public string Type { get; set; } = "http";

    /// <summary>Failed checks in a row that take a backend out.</summary>
    public int Fails { get; set; } = 1;

    /// <summary>Passed checks in a row that bring it back.</summary>
    public int Passes { get; set; } = 1;

    /// <summary>HTTP statuses that pass.</summary>
    public List<int> Statuses { get; set; } = [200];
}

/// <summary>Size and time limits (the <c>limits</c> section of the config).</summary>
internal sealed class LimitsOptions
{
    /// <summary>Largest request or response head; larger -> 431 (502 from a backend).</summary>
    public int MaxHeaderBytes { get; set; } = 16384;

    /// <summary>Largest request body; larger -> 413.</summary>
    public long MaxBodyBytes { get; set; } = 104857600;

    /// <summary>Time a client has to send a complete head.</summary>
    public int HeaderTimeoutMs { get; set; } = 10000;

    /// <summary>Time a keep-alive client connection may stay idle.</summary>
    public int IdleTimeoutMs { get; set; } = 60000;

    /// <summary>Time to connect to a backend.</summary>
    public int UpstreamConnectTimeoutMs { get; set; } = 2000;

    /// <summary>Time a backend has to send its response head; then 504.</summary>
    public int ResponseHeaderTimeoutMs { get; set; } = 30000;

    /// <summary>Idle keep-alive connections kept per backend.</summary>
    public int MaxIdlePerBackend { get; set; } = 64;

    /// <summary>Time an idle upstream connection is kept.</summary>
    public int UpstreamIdleTimeoutMs { get; set; } = 30000;

    /// <summary>Time in-flight requests get to finish on shutdown.</summary>
    public int DrainTimeoutMs { get; set; } = 10000;

    /// <summary>Client connections open at once across all listeners; beyond it a new one is accepted and closed (HTTP: after a 503).</summary>
    public int MaxConnections { get; set; } = 10000;
}

/// <summary>Where the latency model is.</summary>
internal sealed class ModelOptions
{
    /// <summary>Model file path, watched for new versions; a missing file means no model yet (the policy falls back).</summary>
    public string? Path { get; set; } = "models/latency.model";
}

/// <summary>The request log.</summary>
internal sealed class RequestLogOptions
{
    /// <summary>CSV path; null writes no file.</summary>
    public string? Path { get; set; }

    /// <summary>Npgsql connection string: records are also copied into table <c>request_log</c> (created when missing).</summary>
    public string? Postgres { get; set; }

    /// <summary>Records queued before new ones are dropped (and counted).</summary>
    public int QueueCapacity { get; set; } = 65536;
}

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

namespace FastLb.Backends.Hosting;

/// <summary>Options of one backend instance, as bound from the command line (cold).</summary>
public sealed class BackendOptions
{
    /// <summary>The service this instance runs.</summary>
    public BackendService Service { get; init; } = BackendService.Echo;

    /// <summary>Address to listen on; loopback by default.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Port to listen on; 0 picks a free one (see <see cref="RunningBackend.Port"/>).</summary>
    public int Port { get; init; }

    /// <summary>Name reported in metrics and echo answers; defaults to <c>service-port</c>.</summary>
    public string? InstanceName { get; init; }

    /// <summary>Base URL through which orders reaches the other services (the FastLb proxy in production).</summary>
    public Uri? Gateway { get; init; }

    /// <summary>Per-service base URLs for orders (key: inventory, payments, cart, notifications) that bypass <see cref="Gateway"/>; for runs without the proxy.</summary>
    public IReadOnlyDictionary<string, Uri> ServiceUrls { get; init; } = new Dictionary<string, Uri>(StringComparer.Ordinal);

    /// <summary>Fixed delay added to every /api request, in milliseconds.</summary>
    public int DelayMs { get; init; }

    /// <summary>Uniform random extra delay, 0..JitterMs milliseconds.</summary>
    public int JitterMs { get; init; }

    /// <summary>Fraction of /api requests answered 500, 0..1.</summary>
    public double ErrorRate { get; init; }

    /// <summary>Concurrent /api requests served; the rest queue. 0 means unlimited.</summary>
    public int Capacity { get; init; }

    /// <summary>Npgsql connection string; null keeps the in-memory stores.</summary>
    public string? Postgres { get; init; }

    /// <summary>PostgreSQL schema holding this deployment's tables (tests use one per class).</summary>
    public string PostgresSchema { get; init; } = "fastlb";

    /// <summary>Redis endpoint <c>host:port</c> for carts; null keeps carts in memory.</summary>
    public string? Redis { get; init; }

    /// <summary>Prefix of every Redis key this instance writes (tests use one per class).</summary>
    public string RedisKeyPrefix { get; init; } = "fastlb:";

    /// <summary>HMAC key for JWTs, shared by all services of a deployment; null generates one per process.</summary>
    public string? JwtKey { get; init; }

    /// <summary>How long a token issued at login stays valid.</summary>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>PBKDF2 iterations for password hashes.</summary>
    public int PasswordIterations { get; init; } = 100_000;

    /// <summary>E-mail of an admin user seeded at start (users service); none when null.</summary>
    public string? AdminEmail { get; init; }

    /// <summary>Password of the seeded admin user.</summary>
    public string? AdminPassword { get; init; }

    /// <summary>How long a stock reservation holds before the sweeper returns its stock.</summary>
    public TimeSpan ReservationTtl { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the reservation sweeper runs.</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Number of seeded catalog products.</summary>
    public int CatalogSize { get; init; } = 300;

    /// <summary>Stock of each seeded product.</summary>
    public int InitialStock { get; init; } = 1000;

    /// <summary>Sliding expiry of guest carts.</summary>
    public TimeSpan GuestCartTtl { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Timeout of one call from orders to another service.</summary>
    public TimeSpan GatewayTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Extra attempts for idempotent calls from orders that failed or timed out.</summary>
    public int GatewayRetries { get; init; } = 2;

    /// <summary>How often the outbox relay looks for pending events when not woken earlier.</summary>
    public TimeSpan OutboxInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long the relay holds a claimed outbox event before another pass (of any instance) may retry it.</summary>
    public TimeSpan OutboxLease { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Seed of the instance-owned random generator (jitter, error injection).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Clock; tests may inject their own.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Checks the options; returns one message per problem, each naming the flag.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Port is < 0 or > 65535) errors.Add("--port must be between 0 and 65535");
        if (DelayMs < 0) errors.Add("--delay-ms must be >= 0");
        if (JitterMs < 0) errors.Add("--jitter-ms must be >= 0");
        if (ErrorRate is < 0 or > 1 || double.IsNaN(ErrorRate)) errors.Add("--error-rate must be between 0 and 1");
        if (Capacity < 0) errors.Add("--capacity must be >= 0 (0: unlimited)");
        if (Gateway is not null && !Gateway.IsAbsoluteUri) errors.Add("--gateway must be an absolute URL");
        if (Service == BackendService.Orders && Gateway is null
            && !new[] { "inventory", "payments", "cart", "notifications" }.All(ServiceUrls.ContainsKey))
        {
            errors.Add("--gateway is required for the orders service (or --service-url for each of inventory, payments, cart, notifications)");
        }

        foreach (var (name, url) in ServiceUrls)
        {
            if (name is not ("inventory" or "payments" or "cart" or "notifications")) errors.Add($"--service-url {name}: unknown service (inventory, payments, cart, notifications)");
            if (!url.IsAbsoluteUri) errors.Add($"--service-url {name}: must be an absolute URL");
        }
        if (Redis is not null && !Redis.Contains(':')) errors.Add("--redis must be HOST:PORT");
        if (!Storage.PostgresDatabase.IsValidSchema(PostgresSchema)) errors.Add("postgres schema must match [a-z_][a-z0-9_]*");
        if (JwtKey is not null && JwtKey.Length < 32) errors.Add("--jwt-key must be at least 32 characters");
        if (ReservationTtl <= TimeSpan.Zero) errors.Add("reservation TTL must be positive");
        if (OutboxInterval <= TimeSpan.Zero || OutboxLease <= TimeSpan.Zero) errors.Add("outbox interval and lease must be positive");
        if (SweepInterval <= TimeSpan.Zero) errors.Add("sweep interval must be positive");
        if (CatalogSize < 1) errors.Add("catalog size must be >= 1");
        if (PasswordIterations < 1000) errors.Add("password iterations must be >= 1000");
        return errors;
    }
}

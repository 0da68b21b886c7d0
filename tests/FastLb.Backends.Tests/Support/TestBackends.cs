using FastLb.Backends.Hosting;

namespace FastLb.Backends.Tests.Support;

/// <summary>Starts backend instances for tests: real Kestrel on 127.0.0.1 port 0, the shared test JWT key.</summary>
internal static class TestBackends
{
    /// <summary>Starts <paramref name="service"/> on the chosen stores; <paramref name="schema"/> lets several instances share tables.</summary>
    public static Task<RunningBackend> StartAsync(
        BackendService service,
        StoreKind store,
        string? schema = null,
        string? redisPrefix = null,
        Uri? gateway = null,
        Func<BackendOptions, BackendOptions>? tweak = null)
    {
        var options = new BackendOptions
        {
            Service = service,
            Port = 0,
            JwtKey = TestServers.JwtKey,
            Postgres = store == StoreKind.Real ? TestServers.Postgres : null,
            PostgresSchema = schema ?? TestServers.NewSchema(service.ToString()),
            Redis = store == StoreKind.Real ? TestServers.Redis : null,
            RedisKeyPrefix = redisPrefix ?? TestServers.NewPrefix(service.ToString()),
            Gateway = gateway,
            CatalogSize = 50,
            PasswordIterations = 1000,
            AdminEmail = "admin@shop.test",
            AdminPassword = "admin-password-1",
            GatewayTimeout = TimeSpan.FromSeconds(10),
        };
        return BackendHost.StartAsync(tweak is null ? options : tweak(options));
    }

    /// <summary>An HttpClient on <paramref name="backend"/>, optionally with a bearer token.</summary>
    public static HttpClient Client(RunningBackend backend, string? token = null) => Client(backend.BaseAddress, token);

    /// <summary>An HttpClient on <paramref name="baseAddress"/>, optionally with a bearer token.</summary>
    public static HttpClient Client(Uri baseAddress, string? token = null)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return client;
    }
}

using FastLb.Backends.Hosting;

namespace FastLb.Backends.Tests.Support;

/// <summary>The services orders needs (inventory, payments, cart, notifications), an in-test gateway in front of them
/// (standing in for the FastLb proxy), and orders instances pointed at that gateway; all on one store kind and schema.</summary>
internal sealed class ShopWorld : IAsyncDisposable
{
    private readonly List<RunningBackend> _services = [];

    private ShopWorld(StoreKind store, string schema, string prefix)
    {
        Store = store;
        Schema = schema;
        Prefix = prefix;
    }

    /// <summary>The store kind of every service.</summary>
    public StoreKind Store { get; }

    /// <summary>The PostgreSQL schema shared by the world's services.</summary>
    public string Schema { get; }

    /// <summary>The Redis key prefix of the world.</summary>
    public string Prefix { get; }

    /// <summary>The gateway every call goes through.</summary>
    public TestGateway Gateway { get; private set; } = null!;

    /// <summary>The inventory instance(s).</summary>
    public List<RunningBackend> Inventory { get; } = [];

    /// <summary>The payments instance.</summary>
    public RunningBackend Payments { get; private set; } = null!;

    /// <summary>The notifications instance.</summary>
    public RunningBackend Notifications { get; private set; } = null!;

    /// <summary>The orders instances.</summary>
    public List<RunningBackend> Orders { get; } = [];

    /// <summary>Starts the world with <paramref name="ordersInstances"/> orders instances (also routed by the gateway).</summary>
    public static async Task<ShopWorld> StartAsync(StoreKind store, int ordersInstances = 1, TimeSpan? reservationTtl = null, TimeSpan? gatewayTimeout = null)
    {
        var world = new ShopWorld(store, TestServers.NewSchema("shop"), TestServers.NewPrefix("shop"));
        try
        {
            RunningBackend inventory = await world.StartServiceAsync(BackendService.Inventory, reservationTtl);
            world.Inventory.Add(inventory);
            RunningBackend payments = await world.StartServiceAsync(BackendService.Payments);
            world.Payments = payments;
            RunningBackend cart = await world.StartServiceAsync(BackendService.Cart);
            RunningBackend notifications = await world.StartServiceAsync(BackendService.Notifications);
            world.Notifications = notifications;
            var routes = new Dictionary<string, Uri[]>
            {
                ["inventory"] = [inventory.BaseAddress],
                ["payments"] = [payments.BaseAddress],
                ["cart"] = [cart.BaseAddress],
                ["notifications"] = [notifications.BaseAddress],
            };
            world.Gateway = await TestGateway.StartAsync(routes);
            for (int i = 0; i < ordersInstances; i++)
            {
                world.Orders.Add(await TestBackends.StartAsync(BackendService.Orders, store, world.Schema, world.Prefix, world.Gateway.BaseAddress,
                    o => Copy(o, o.ReservationTtl, gatewayTimeout)));
            }

            world.Gateway.SetRoute("orders", world.Orders.Select(o => o.BaseAddress).ToArray());
            return world;
        }
        catch
        {
            await world.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client on the gateway with <paramref name="token"/>.</summary>
    public HttpClient Client(string? token) => TestBackends.Client(Gateway.BaseAddress, token);

    /// <summary>A client on one orders instance.</summary>
    public HttpClient OrdersClient(string? token, int instance = 0) => TestBackends.Client(Orders[instance].BaseAddress, token);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (RunningBackend orders in Orders) await orders.DisposeAsync();
        if (Gateway is not null) await Gateway.DisposeAsync();
        foreach (RunningBackend service in _services) await service.DisposeAsync();
    }

    private async Task<RunningBackend> StartServiceAsync(BackendService service, TimeSpan? reservationTtl = null)
    {
        RunningBackend backend = await TestBackends.StartAsync(service, Store, Schema, Prefix, tweak: o => Copy(o, reservationTtl ?? o.ReservationTtl));
        _services.Add(backend);
        return backend;
    }

    private static BackendOptions Copy(BackendOptions o, TimeSpan reservationTtl, TimeSpan? gatewayTimeout = null) => new()
    {
        Service = o.Service,
        JwtKey = o.JwtKey,
        Postgres = o.Postgres,
        PostgresSchema = o.PostgresSchema,
        Redis = o.Redis,
        RedisKeyPrefix = o.RedisKeyPrefix,
        Gateway = o.Gateway,
        CatalogSize = o.CatalogSize,
        PasswordIterations = o.PasswordIterations,
        GatewayTimeout = gatewayTimeout ?? o.GatewayTimeout,
        ReservationTtl = reservationTtl,
        SweepInterval = TimeSpan.FromMilliseconds(50),
        OutboxInterval = TimeSpan.FromMilliseconds(100),
        OutboxLease = TimeSpan.FromMilliseconds(300),
    };
}

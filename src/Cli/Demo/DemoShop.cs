using System.Net.Http.Json;
using System.Text.Json;
using FastLb.Backends;
using FastLb.Backends.Hosting;

namespace FastLb.Cli.Demo;

/// <summary>The demo's shop on loopback: several instances of each of the six services with unequal speed knobs, in this process,
/// in-memory stores; one inventory instance that degrades and one cart instance that fails for a while, on the schedule the runner drives.</summary>
internal sealed class DemoShop : IAsyncDisposable
{
    /// <summary>Password of every demo customer.</summary>
    public const string Password = "demo-password-1";

    private readonly List<DemoInstance> _instances;

    private DemoShop(List<DemoInstance> instances)
    {
        _instances = instances;
    }

    /// <summary>Every instance, pool members first.</summary>
    public IReadOnlyList<DemoInstance> Instances => _instances;

    /// <summary>The instances the proxy balances (not the orders service's internal ones).</summary>
    public IEnumerable<DemoInstance> PoolMembers => _instances.Where(i => !i.Internal);

    /// <summary>The instance that degrades mid-run.</summary>
    public DemoInstance Degrading => _instances.Single(i => i.DegradedDelayMs is not null);

    /// <summary>The instance that fails for a while.</summary>
    public DemoInstance Failing => _instances.Single(i => i.Fails);

    /// <summary>The customers registered on every users instance, each with a token (after <see cref="RegisterUsersAsync"/>).</summary>
    public IReadOnlyList<DemoUser> Users { get; private set; } = [];

    /// <summary>The layout: unequal knobs so that where a request goes matters. Capacities make a busy instance queue, so
    /// sending too much to a slow one shows in its latency.</summary>
    public static List<DemoInstance> Layout() =>
    [
        new() { Service = BackendService.Users, Name = "users-1", DelayMs = 2, JitterMs = 2, Capacity = 8 },
        new() { Service = BackendService.Users, Name = "users-2", DelayMs = 6, JitterMs = 4, Capacity = 8 },
        new() { Service = BackendService.Inventory, Name = "inventory-1", DelayMs = 2, JitterMs = 2, Capacity = 16 },
        new() { Service = BackendService.Inventory, Name = "inventory-2", DelayMs = 4, JitterMs = 4, Capacity = 16 },
        new() { Service = BackendService.Inventory, Name = "inventory-3", DelayMs = 9, JitterMs = 8, Capacity = 8 },
        new() { Service = BackendService.Inventory, Name = "inventory-4", DelayMs = 2, JitterMs = 2, Capacity = 16, DegradedDelayMs = 80 },
        new() { Service = BackendService.Cart, Name = "cart-1", DelayMs = 2, JitterMs = 2, Capacity = 16 },
        new() { Service = BackendService.Cart, Name = "cart-2", DelayMs = 6, JitterMs = 5, Capacity = 8 },
        new() { Service = BackendService.Cart, Name = "cart-3", DelayMs = 3, JitterMs = 3, Capacity = 16, Fails = true },
        new() { Service = BackendService.Orders, Name = "orders-1", DelayMs = 4, JitterMs = 4, Capacity = 8 },
        new() { Service = BackendService.Orders, Name = "orders-2", DelayMs = 10, JitterMs = 8, Capacity = 8 },
        new() { Service = BackendService.Payments, Name = "payments-1", DelayMs = 3, JitterMs = 3, Capacity = 8 },
        new() { Service = BackendService.Payments, Name = "payments-2", DelayMs = 9, JitterMs = 6, Capacity = 8 },
        new() { Service = BackendService.Notifications, Name = "notifications-1", DelayMs = 2, JitterMs = 2, Capacity = 8 },
        new() { Service = BackendService.Notifications, Name = "notifications-2", DelayMs = 6, JitterMs = 4, Capacity = 8 },
        new() { Service = BackendService.Inventory, Name = "inventory-internal", Internal = true },
        new() { Service = BackendService.Payments, Name = "payments-internal", Internal = true },
        new() { Service = BackendService.Cart, Name = "cart-internal", Internal = true },
        new() { Service = BackendService.Notifications, Name = "notifications-internal", Internal = true },
    ];

    /// <summary>Starts every instance on free loopback ports. On failure stops what it started and throws.</summary>
    public static async Task<DemoShop> StartAsync(int seed, CancellationToken cancellationToken)
    {
        List<DemoInstance> instances = Layout();
        string jwtKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48));
        var shop = new DemoShop(instances);
        try
        {
            // The orders instances call these directly: a reservation and its confirmation must meet the same in-memory store,
            // which a balanced pool of in-memory instances cannot promise.
            foreach (DemoInstance instance in instances.Where(i => i.Internal))
            {
                instance.Running = await BackendHost.StartAsync(Options(instance, jwtKey, seed, null), cancellationToken).ConfigureAwait(false);
            }

            Dictionary<string, Uri> internalUrls = instances.Where(i => i.Internal)
                .ToDictionary(i => i.Service.ToString().ToLowerInvariant(), i => i.Running!.BaseAddress, StringComparer.Ordinal);
            // Started together: each start is mostly waiting for Kestrel to bind.
            await Task.WhenAll(instances.Where(i => !i.Internal).Select(async instance => instance.Running = await BackendHost.StartAsync(
                Options(instance, jwtKey, seed, instance.Service == BackendService.Orders ? internalUrls : null), cancellationToken).ConfigureAwait(false))).ConfigureAwait(false);

            return shop;
        }
        catch
        {
            await shop.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Puts every instance at its normal knobs.</summary>
    public void Normal()
    {
        foreach (DemoInstance instance in _instances.Where(i => i.Running is not null))
        {
            instance.Running!.SetFaults(delayMs: instance.DelayMs, jitterMs: instance.JitterMs, errorRate: 0, capacity: instance.Capacity, status: "auto");
        }
    }

    /// <summary>Degrades (or restores) the degrading instance.</summary>
    public void SetDegraded(bool degraded)
    {
        DemoInstance d = Degrading;
        d.Running!.SetFaults(delayMs: degraded ? d.DegradedDelayMs : d.DelayMs);
    }

    /// <summary>Makes the failing instance answer 500 to every /api request (its /health then says unhealthy), or heals it.</summary>
    public void SetFailing(bool failing)
    {
        Failing.Running!.SetFaults(errorRate: failing ? 1.0 : 0.0, status: "auto");
    }

    /// <summary>Stops every instance.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (DemoInstance instance in _instances)
        {
            if (instance.Running is { } running)
            {
                await running.DisposeAsync().ConfigureAwait(false);
                instance.Running = null;
            }
        }
    }

    private static BackendOptions Options(DemoInstance instance, string jwtKey, int seed, IReadOnlyDictionary<string, Uri>? serviceUrls) => new()
    {
        Service = instance.Service,
        Port = 0,
        InstanceName = instance.Name,
        JwtKey = jwtKey,
        DelayMs = instance.DelayMs,
        JitterMs = instance.JitterMs,
        Capacity = instance.Capacity,
        Seed = seed * 1000 + instance.Name.Length * 31 + instance.Name[^1],
        // The demo's logins are part of the traffic mix; at the production cost (100k PBKDF2 iterations, tens of ms of CPU
        // each) a few per second would take a core of this 2-core machine from everything else.
        PasswordIterations = 1000,
        ServiceUrls = serviceUrls ?? new Dictionary<string, Uri>(StringComparer.Ordinal),
    };

    /// <summary>Registers <paramref name="count"/> customers on each users instance (the stores are per instance), then logs each in once for a token.</summary>
    public async Task RegisterUsersAsync(int count, CancellationToken cancellationToken)
    {
        List<DemoInstance> usersInstances = _instances.Where(i => i.Service == BackendService.Users).ToList();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var users = new List<DemoUser>(count);
        for (int n = 1; n <= count; n++)
        {
            string email = $"customer{n}@demo.fastlb.test";
            foreach (DemoInstance instance in usersInstances)
            {
                using HttpResponseMessage registered = await client.PostAsJsonAsync(new Uri(instance.Running!.BaseAddress, "/api/users/register"),
                    new Dictionary<string, string> { ["email"] = email, ["password"] = Password, ["name"] = $"Customer {n}" }, cancellationToken).ConfigureAwait(false);
                registered.EnsureSuccessStatusCode();
            }

            using HttpResponseMessage login = await client.PostAsJsonAsync(new Uri(usersInstances[0].Running!.BaseAddress, "/api/users/login"),
                new Dictionary<string, string> { ["email"] = email, ["password"] = Password }, cancellationToken).ConfigureAwait(false);
            login.EnsureSuccessStatusCode();
            using JsonDocument doc = JsonDocument.Parse(await login.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            users.Add(new DemoUser(email, doc.RootElement.GetProperty("token").GetString()!));
        }

        Users = users;
    }
}

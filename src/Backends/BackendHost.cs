using System.Net;
using System.Text.Json.Serialization.Metadata;
using FastLb.Backends.Cart;
using FastLb.Backends.Echo;
using FastLb.Backends.Hosting;
using FastLb.Backends.Inventory;
using FastLb.Backends.Notifications;
using FastLb.Backends.Orders;
using FastLb.Backends.Payments;
using FastLb.Backends.Users;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FastLb.Backends;

/// <summary>Starts backend instances on Kestrel: the CLI, the demo and tests use this one entry.</summary>
public static class BackendHost
{
    /// <summary>The source-generated JSON contracts of the shared bodies and of every service, as one resolver for the HTTP JSON options.</summary>
    private static readonly IJsonTypeInfoResolver JsonContexts = JsonTypeInfoResolver.Combine(
        HostingJsonContext.Default, EchoJsonContext.Default, UsersJsonContext.Default, CartJsonContext.Default, OrdersJsonContext.Default,
        InventoryJsonContext.Default, PaymentsJsonContext.Default, NotificationsJsonContext.Default);

    /// <summary>Builds and starts one instance; returns once it listens. Throws <see cref="ArgumentException"/> on bad options.</summary>
    public static async Task<RunningBackend> StartAsync(BackendOptions options, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<string> errors = options.Validate();
        if (errors.Count > 0) throw new ArgumentException(string.Join("; ", errors), nameof(options));

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ApplicationName = "FastLb.Backends" });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (IPAddress.TryParse(options.Host, out IPAddress? address)) kestrel.Listen(address, options.Port);
            else if (options.Host == "localhost") kestrel.ListenLocalhost(options.Port);
            else kestrel.ListenAnyIP(options.Port);
            kestrel.AddServerHeader = false;
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, JsonContexts));

        WebApplication app = builder.Build();
        string name = options.InstanceName ?? $"{options.Service.ToString().ToLowerInvariant()}-{(options.Port == 0 ? Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..6] : options.Port)}";
        var context = new BackendContext(options, name, app.Services.GetRequiredService<ILoggerFactory>());
        try
        {
            app.UseMiddleware<FaultMiddleware>(context);
            CommonEndpoints.Map(app, context);
            await MapServiceAsync(app, context, cancellationToken).ConfigureAwait(false);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await context.DisposeAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        string bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var uri = new UriBuilder(bound.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)) { Path = "/" }.Uri;
        return new RunningBackend(app, context, uri);
    }

    /// <summary>An echo instance on a free loopback port with a fixed delay: the simplest backend for proxy tests.</summary>
    public static Task<RunningBackend> StartEchoAsync(int delayMs = 0, string? instanceName = null, CancellationToken cancellationToken = default) =>
        StartAsync(new BackendOptions { Service = BackendService.Echo, DelayMs = delayMs, InstanceName = instanceName }, cancellationToken);

    /// <summary>The six shop services, in the order <see cref="StartShopAsync"/> starts them.</summary>
    public static IReadOnlyList<BackendService> ShopServices { get; } =
        [BackendService.Users, BackendService.Inventory, BackendService.Payments, BackendService.Cart, BackendService.Notifications, BackendService.Orders];

    /// <summary>Starts one instance of each shop service (the demo): ports <paramref name="firstPort"/>, +1, ... in
    /// <see cref="ShopServices"/> order (0: free ports), one shared <paramref name="jwtKey"/>, orders calling the others
    /// through <paramref name="gateway"/> (the proxy, which may start later). On failure, stops what it started and throws.</summary>
    public static async Task<IReadOnlyDictionary<BackendService, RunningBackend>> StartShopAsync(
        Uri gateway, string jwtKey, int firstPort = 0, string? postgres = null, string? redis = null, CancellationToken cancellationToken = default)
    {
        var started = new Dictionary<BackendService, RunningBackend>();
        try
        {
            for (int i = 0; i < ShopServices.Count; i++)
            {
                BackendService service = ShopServices[i];
                started[service] = await StartAsync(new BackendOptions
                {
                    Service = service,
                    Port = firstPort == 0 ? 0 : firstPort + i,
                    Gateway = gateway,
                    JwtKey = jwtKey,
                    Postgres = postgres,
                    Redis = redis,
                }, cancellationToken).ConfigureAwait(false);
            }

            return started;
        }
        catch
        {
            foreach (RunningBackend backend in started.Values) await backend.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Parses a service name as used on the command line (users, cart, orders, inventory, payments, notifications, echo).</summary>
    public static bool TryParseService(string name, out BackendService service) =>
        Enum.TryParse(name, ignoreCase: true, out service) && Enum.IsDefined(service) && !int.TryParse(name, out _);

    private static Task MapServiceAsync(WebApplication app, BackendContext context, CancellationToken cancellationToken) => context.Options.Service switch
    {
        BackendService.Users => UsersService.MapAsync(app, context, cancellationToken),
        BackendService.Cart => CartService.MapAsync(app, context, cancellationToken),
        BackendService.Orders => OrdersService.MapAsync(app, context, cancellationToken),
        BackendService.Inventory => InventoryService.MapAsync(app, context, cancellationToken),
        BackendService.Payments => PaymentsService.MapAsync(app, context, cancellationToken),
        BackendService.Notifications => NotificationsService.MapAsync(app, context, cancellationToken),
        BackendService.Echo => EchoService.MapAsync(app, context, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(context)),
    };
}

using System.Net;
using FastLb.Proxy.Configuration;

namespace FastLb.Proxy.Tests.Infrastructure;

/// <summary>A real proxy in this process, on loopback port 0, in front of the given backends.</summary>
internal sealed class ProxyHost : IAsyncDisposable
{
    private ProxyHost(ProxyServer server) => Server = server;

    internal ProxyServer Server { get; }

    /// <summary>Where clients connect.</summary>
    public IPEndPoint EndPoint => Server.Listeners[0].EndPoint;

    /// <summary>Base URL of the proxy.</summary>
    public Uri BaseUri => new($"http://{EndPoint}");

    /// <summary>Base URL of the admin endpoint.</summary>
    public Uri AdminUri => new($"http://{Server.AdminEndPoint}");

    /// <summary>Starts a one-pool proxy in front of <paramref name="backends"/>.</summary>
    public static Task<ProxyHost> StartAsync(IEnumerable<string> backends, string policy = "round_robin", string mode = "http",
        Action<ProxyOptions>? configure = null)
    {
        var options = new ProxyOptions
        {
            Admin = new AdminOptions { Listen = "127.0.0.1:0" },
            Listeners = [new ListenerOptions { Name = "main", Listen = "127.0.0.1:0", Mode = mode, Pool = "main" }],
            Pools = [new PoolOptions { Name = "main", Policy = policy, Backends = [.. backends.Select(b => new BackendOptions { Address = b })] }],
        };
        configure?.Invoke(options);
        return StartAsync(options);
    }

    /// <summary>Starts a proxy from <paramref name="options"/>, on <paramref name="time"/> (the system clock when null).</summary>
    internal static async Task<ProxyHost> StartAsync(ProxyOptions options, TimeProvider? time = null)
    {
        var server = new ProxyServer(ConfigValidator.Validate(options), time);
        await server.StartAsync();
        return new ProxyHost(server);
    }

    /// <summary>Starts a proxy from the config file at <paramref name="path"/>, which <see cref="ProxyServer.ReloadAsync"/> reads again.</summary>
    internal static async Task<ProxyHost> StartFromFileAsync(string path, TimeProvider? time = null)
    {
        var server = new ProxyServer(ConfigLoader.LoadFile(path), time, source: ConfigSource.FromFile(path));
        await server.StartAsync();
        return new ProxyHost(server);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

using System.Net;
using System.Net.Sockets;
using FastLb.Proxy.Admin;
using FastLb.Proxy.Configuration;
using FastLb.Proxy.Forwarding;
using FastLb.Proxy.Logging;
using FastLb.Proxy.Metrics;
using FastLb.Proxy.Model;
using FastLb.Proxy.Runtime;
using FastLb.Proxy.Tcp;
using FastLb.Proxy.Transport;

namespace FastLb.Proxy;

/// <summary>The proxy's lifecycle: binds the listeners and the admin endpoint, starts what runs in the background, drains and stops.</summary>
/// <remarks>
/// What follows the config (the routing snapshot, model watcher, refresher, health checks) lives in
/// <see cref="ProxyRuntime"/>, built at start and rebuilt by each reload (<see cref="ReloadCoordinator"/>);
/// the listeners, the admin endpoint, the request log and the connection heartbeat are set up once.
/// Each listener's connections get a <see cref="ConnectionContext"/>, their only view of the proxy.
/// </remarks>
internal sealed class ProxyServer : IAdminView, IAsyncDisposable
{
    private readonly List<SocketListener> _listeners = [];
    private readonly SocketRegistry _tcpSockets = new();
    private readonly ProxyRuntime _runtime;
    private readonly ReloadCoordinator _reloads;
    private IPEndPoint[] _endPoints = [];
    private AdminServer? _admin;
    private ITimer? _sweeper;
    private int _state; // 0 new, 1 running, 2 draining, 3 stopped

    /// <summary>Builds the runtime of <paramref name="config"/>; nothing is bound until <see cref="StartAsync"/>.</summary>
    /// <param name="config">The validated config.</param>
    /// <param name="time">The clock; the system's when null.</param>
    /// <param name="source">Where <see cref="ReloadAsync"/> reads a new config; null when the proxy runs from flags (nothing to reload).</param>
    public ProxyServer(ProxyConfig config, TimeProvider? time = null, ConfigSource? source = null)
    {
        Time = time ?? TimeProvider.System;
        InputBufferBytes = Math.Max(64 * 1024, 2 * config.Limits.MaxHeaderBytes);
        Timeouts = new ConnectionTimeouts(Time);
        _runtime = new ProxyRuntime(config, Time, InputBufferBytes, Console.Error);
        _reloads = new ReloadCoordinator(source, _runtime, Time, () => IsReady, Console.Error);
        Log = OpenRequestLog(config, Metrics);
    }

    /// <summary>The routing snapshot in use: one volatile read.</summary>
    public RoutingSnapshot Routing => _runtime.Routing.Current;

    /// <summary>The config the proxy runs from now (changes on reload).</summary>
    public ProxyConfig Config => Routing.Config;

    /// <summary>Where a reload reads the config from; null when the proxy runs from flags.</summary>
    public ConfigSource? Source => _reloads.Source;

    /// <summary>The clock.</summary>
    public TimeProvider Time { get; }

    /// <summary>Process-wide counters.</summary>
    public ProxyMetrics Metrics { get; } = new();

    /// <summary>The latency model watcher, once a pool's policy uses a model.</summary>
    public ModelWatcher? Model => _runtime.Model;

    /// <summary>The request log, when configured.</summary>
    public RequestLogWriter? Log { get; }

    /// <summary>Received bytes a connection buffers before it stops reading: room for two request heads.</summary>
    public int InputBufferBytes { get; }

    /// <summary>The heartbeat that expires connection deadlines; also the registry of HTTP connections.</summary>
    public ConnectionTimeouts Timeouts { get; }

    /// <summary>Assigns request ids.</summary>
    public RequestIds RequestIds { get; } = new();

    /// <summary>The pools of the config in use, in config order.</summary>
    public IReadOnlyList<PoolRuntime> Pools => Routing.Pools;

    /// <summary>The rate limit and JWT checks of the routes that have them, under the config in use.</summary>
    public IReadOnlyList<Edge.RouteEdge> RouteEdges => Routing.RouteEdges;

    /// <summary>The listeners with the addresses actually bound, under the config in use.</summary>
    public IReadOnlyList<BoundListener> Listeners
    {
        get
        {
            IPEndPoint[] endPoints = Volatile.Read(ref _endPoints);
            ListenerRoutes[] routes = Routing.Listeners;
            var bound = new BoundListener[endPoints.Length];
            for (int i = 0; i < bound.Length; i++)
            {
                bound[i] = new BoundListener(routes[i].Config, endPoints[i]);
            }

            return bound;
        }
    }

    /// <summary>The admin endpoint's bound address, once started.</summary>
    public IPEndPoint? AdminEndPoint => _admin?.EndPoint;

    /// <summary>When the proxy started.</summary>
    public DateTimeOffset StartedAt { get; private set; }

    /// <summary>True while accepting and not draining.</summary>
    public bool IsReady => Volatile.Read(ref _state) == 1;

    /// <summary>True once shutdown began.</summary>
    public bool IsDraining => Volatile.Read(ref _state) >= 2;

    /// <summary>Config reloads so far.</summary>
    public ReloadStatus ReloadStatus => _reloads.Status;

    /// <summary>Reads the config file again and applies it, or refuses it whole (SIGHUP, <c>POST /reload</c>).</summary>
    public Task<ReloadResult> ReloadAsync() => _reloads.ReloadAsync();

    /// <summary>Binds every listener and the admin endpoint, starts health checks.</summary>
    public async Task StartAsync()
    {
        StartedAt = Time.GetUtcNow();
        RoutingSnapshot routing = Routing;
        var endPoints = new IPEndPoint[routing.Listeners.Length];
        // One limit across all listeners, read from the config in use at each accept: a reload changes it at once.
        ConnectionLimit limit = new(() => Config.Limits.MaxConnections);
        try
        {
            for (int i = 0; i < routing.Listeners.Length; i++)
            {
                ListenerConfig listener = routing.Listeners[i].Config;
                ConnectionContext context = new(
                    i, _runtime.Routing, Time, Metrics, Timeouts, RequestIds, Log, InputBufferBytes, routing.Config.Limits.MaxHeaderBytes, _tcpSockets);
                AcceptGuard guard = new(limit, Metrics, listener.Mode == ListenerMode.Tcp ? ReadOnlyMemory<byte>.Empty : AcceptGuard.HttpRefusal,
                    Console.Error, Time, listener.Name);
                SocketListener socketListener = listener.Mode == ListenerMode.Tcp
                    ? new SocketListener(listener.EndPoint, socket => Task.Run(() => new TcpProxyConnection(context, socket).RunAsync()), guard)
                    : new SocketListener(listener.EndPoint, socket => new HttpProxyConnection(context, new SocketConnection(socket, context.InputBufferBytes)).RunAsync(), guard);
                _listeners.Add(socketListener);
                endPoints[i] = socketListener.EndPoint;
            }

            Volatile.Write(ref _endPoints, endPoints);
            _admin = new AdminServer(this);
            await _admin.StartAsync(routing.Config.Admin).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            await DisposeListenersAsync().ConfigureAwait(false);
            throw new ConfigException([$"cannot bind: {e.Message}"]);
        }

        _runtime.Start();
        _sweeper = Time.CreateTimer(_ => _runtime.CloseIdle(all: false), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        foreach (SocketListener listener in _listeners)
        {
            listener.Start();
        }

        Volatile.Write(ref _state, 1);
    }

    /// <summary>Graceful stop: stop accepting, let in-flight requests finish up to the drain timeout, close idle connections.</summary>
    /// <returns>True when every connection ended within the drain timeout.</returns>
    public async Task<bool> StopAsync()
    {
        if (Interlocked.CompareExchange(ref _state, 2, 1) != 1)
        {
            return true;
        }

        await DisposeListenersAsync().ConfigureAwait(false);
        foreach (ITimeoutTarget connection in Timeouts.Targets)
        {
            connection.Drain();
        }

        _runtime.CloseIdle(all: true);
        long deadline = Time.GetTimestamp() + (Config.Limits.DrainTimeoutMs * Time.TimestampFrequency / 1000);
        while (Metrics.ClientConnectionsActive > 0 && Time.GetTimestamp() < deadline)
        {
            if (_tcpSockets.IsEmpty && Timeouts.Targets.Count == 0)
            {
                break;
            }

            await Task.Delay(10).ConfigureAwait(false);
        }

        bool drained = Metrics.ClientConnectionsActive == 0;
        _tcpSockets.CloseAll();
        await DisposeAsync().ConfigureAwait(false);
        return drained;
    }

    /// <summary>The request log of <paramref name="config"/>, or null when it names no sink.</summary>
    private static RequestLogWriter? OpenRequestLog(ProxyConfig config, ProxyMetrics metrics)
    {
        var sinks = new List<IRequestLogSink>();
        if (config.RequestLog.Path is { } logPath)
        {
            sinks.Add(new CsvRequestLogSink(logPath));
        }

        if (config.RequestLog.Postgres is { } postgres)
        {
            try
            {
                sinks.Add(PostgresRequestLogSink.OpenAsync(postgres).GetAwaiter().GetResult());
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or ArgumentException)
            {
                throw new ConfigException([$"requestLog.postgres: {e.Message}"]);
            }
        }

        return sinks.Count > 0 ? new RequestLogWriter(sinks, config.RequestLog.QueueCapacity, metrics) : null;
    }

    private async Task DisposeListenersAsync()
    {
        foreach (SocketListener listener in _listeners)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        _listeners.Clear();
    }

    /// <summary>Releases everything at once (no drain).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _state, 3) == 3)
        {
            return;
        }

        await DisposeListenersAsync().ConfigureAwait(false);

        // A reload under way finishes first (it replaces the health checker and may start the
        // model watcher and its timer); later ones are refused.
        await _reloads.StopAsync().ConfigureAwait(false);
        _sweeper?.Dispose();
        Timeouts.Dispose();
        if (_admin is not null)
        {
            await _admin.DisposeAsync().ConfigureAwait(false);
        }

        await _runtime.DisposeAsync().ConfigureAwait(false);
        if (Log is not null)
        {
            await Log.DisposeAsync().ConfigureAwait(false);
        }
    }
}

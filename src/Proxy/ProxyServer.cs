using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using FastLb.Policy;
using FastLb.Policy.Learning;
using FastLb.Policy.Prediction;
using FastLb.Proxy.Admin;
using FastLb.Proxy.Configuration;
using FastLb.Proxy.Forwarding;
using FastLb.Proxy.Health;
using FastLb.Proxy.Logging;
using FastLb.Proxy.Metrics;
using FastLb.Proxy.Model;
using FastLb.Proxy.Runtime;
using FastLb.Proxy.Tcp;
using FastLb.Proxy.Transport;

namespace FastLb.Proxy;

/// <summary>The proxy: listeners, pools, health checks, the admin endpoint and the request log, built from one config.</summary>
/// <remarks>
/// Pools, routers and limits live in a <see cref="RoutingSnapshot"/> that a config reload
/// (<see cref="ReloadAsync"/>, in ProxyServer.Reload.cs) replaces with one volatile write;
/// listeners, the admin endpoint, the request log and the model watcher are set up once.
/// </remarks>
internal sealed partial class ProxyServer : IAsyncDisposable
{
    private readonly List<SocketListener> _listeners = [];
    private readonly SocketRegistry _tcpSockets = new();
    private readonly RoutingSource _routing;
    private BoundListener[] _bound = [];
    private ModelWatcher? _model;
    private HealthChecker? _health;
    private AdminServer? _admin;
    private ITimer? _sweeper;
    private ITimer? _refresher;
    private int _state; // 0 new, 1 running, 2 draining, 3 stopped

    /// <summary>Builds the runtime of <paramref name="config"/>; nothing is bound until <see cref="StartAsync"/>.</summary>
    /// <param name="config">The validated config.</param>
    /// <param name="time">The clock; the system's when null.</param>
    /// <param name="source">Where <see cref="ReloadAsync"/> reads a new config; null when the proxy runs from flags (nothing to reload).</param>
    public ProxyServer(ProxyConfig config, TimeProvider? time = null, ConfigSource? source = null)
    {
        Time = time ?? TimeProvider.System;
        Source = source;
        InputBufferBytes = Math.Max(64 * 1024, 2 * config.Limits.MaxHeaderBytes);
        Timeouts = new ConnectionTimeouts(Time);
        _model = CreateModelWatcher(config);
        _routing = new RoutingSource(Build(config, previous: null, generation: 1, changes: [], retired: []));
        _model?.SetPolicies(Routing.Learned);
        _reloadStatus = new ReloadStatus(1, Time.GetUtcNow(), 0, 0, null, null);

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

        if (sinks.Count > 0)
        {
            Log = new RequestLogWriter(sinks, config.RequestLog.QueueCapacity, Metrics);
        }
    }

    /// <summary>The routing snapshot in use: one volatile read, for the hot path.</summary>
    public RoutingSnapshot Routing => _routing.Current;

    /// <summary>The config the proxy runs from now (changes on reload).</summary>
    public ProxyConfig Config => Routing.Config;

    /// <summary>Where a reload reads the config from; null when the proxy runs from flags.</summary>
    public ConfigSource? Source { get; }

    /// <summary>The clock.</summary>
    public TimeProvider Time { get; }

    /// <summary>Size and time limits of the config in use.</summary>
    public LimitsOptions Limits => Routing.Config.Limits;

    /// <summary>Process-wide counters.</summary>
    public ProxyMetrics Metrics { get; } = new();

    /// <summary>The latency model watcher, once a pool uses the <c>fastlb</c> policy.</summary>
    public ModelWatcher? Model => Volatile.Read(ref _model);

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

    /// <summary>The listeners with the addresses actually bound.</summary>
    public IReadOnlyList<BoundListener> Listeners => Volatile.Read(ref _bound);

    /// <summary>The admin endpoint's bound address, once started.</summary>
    public IPEndPoint? AdminEndPoint => _admin?.EndPoint;

    /// <summary>When the proxy started.</summary>
    public DateTimeOffset StartedAt { get; private set; }

    /// <summary>True while accepting and not draining.</summary>
    public bool IsReady => Volatile.Read(ref _state) == 1;

    /// <summary>True once shutdown began.</summary>
    public bool IsDraining => Volatile.Read(ref _state) >= 2;

    /// <summary>Binds every listener and the admin endpoint, starts health checks.</summary>
    public async Task StartAsync()
    {
        StartedAt = Time.GetUtcNow();
        RoutingSnapshot routing = Routing;
        var bound = new BoundListener[routing.Listeners.Length];
        try
        {
            for (int i = 0; i < routing.Listeners.Length; i++)
            {
                ListenerConfig listener = routing.Listeners[i].Config;
                ConnectionContext context = new(
                    i, _routing, Time, Metrics, Timeouts, RequestIds, Log, InputBufferBytes, routing.Config.Limits.MaxHeaderBytes, _tcpSockets);
                SocketListener socketListener = listener.Mode == ListenerMode.Tcp
                    ? new SocketListener(listener.EndPoint, socket => Task.Run(() => new TcpProxyConnection(context, socket).RunAsync()))
                    : new SocketListener(listener.EndPoint, socket => new HttpProxyConnection(context, new SocketConnection(socket, context.InputBufferBytes)).RunAsync());
                _listeners.Add(socketListener);
                bound[i] = new BoundListener(listener, socketListener.EndPoint);
            }

            Volatile.Write(ref _bound, bound);
            _admin = new AdminServer(this);
            await _admin.StartAsync(routing.Config.Admin).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            await DisposeListenersAsync().ConfigureAwait(false);
            throw new ConfigException([$"cannot bind: {e.Message}"]);
        }

        _health = new HealthChecker(routing.Pools, Time);
        _health.Start();
        _sweeper = Time.CreateTimer(_ => SweepIdle(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        EnsureRefresher(routing);
        foreach (SocketListener listener in _listeners)
        {
            listener.Start();
        }

        Volatile.Write(ref _state, 1);
    }

    /// <summary>Starts the timer that rebuilds the <c>fastlb</c> prediction tables, once a pool uses that policy.</summary>
    private void EnsureRefresher(RoutingSnapshot routing)
    {
        if (_refresher is null && routing.Learned.Length > 0)
        {
            // The proxy rebuilds the prediction table from its own timer, so no request's
            // completion ever waits for the model.
            TimeSpan every = FastLbOptions.Default.RefreshInterval;
            _refresher = Time.CreateTimer(_ => RefreshPredictions(), null, every, every);
        }
    }

    private ModelWatcher? CreateModelWatcher(ProxyConfig config)
    {
        if (config.ModelPath is not { } modelPath || !config.Pools.Any(p => p.Policy == PolicyNames.FastLb))
        {
            return null;
        }

        try
        {
            return new ModelWatcher(modelPath, Time, Console.Error);
        }
        catch (LatencyModelException e)
        {
            throw new ConfigException([$"model.path: {e.Message}"]);
        }
    }

    private void RefreshPredictions()
    {
        foreach (FastLbPolicy policy in Routing.Learned)
        {
            policy.RefreshNow();
        }
    }

    private void SweepIdle()
    {
        foreach (PoolRuntime pool in Pools)
        {
            foreach (BackendRuntime backend in pool.Backends)
            {
                backend.Upstream.CloseIdle(all: false);
            }
        }
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

        foreach (PoolRuntime pool in Pools)
        {
            foreach (BackendRuntime backend in pool.Backends)
            {
                backend.Upstream.CloseIdle(all: true);
            }
        }

        long deadline = Time.GetTimestamp() + (Limits.DrainTimeoutMs * Time.TimestampFrequency / 1000);
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
        // model watcher and its timer); later ones find the state and refuse.
        await _reloadGate.WaitAsync().ConfigureAwait(false);
        _sweeper?.Dispose();
        _refresher?.Dispose();
        Model?.Dispose();
        Timeouts.Dispose();
        if (_health is not null)
        {
            await _health.DisposeAsync().ConfigureAwait(false);
        }

        if (_admin is not null)
        {
            await _admin.DisposeAsync().ConfigureAwait(false);
        }

        foreach (PoolRuntime pool in Pools)
        {
            foreach (BackendRuntime backend in pool.Backends)
            {
                backend.Upstream.CloseIdle(all: true);
            }
        }

        if (Log is not null)
        {
            await Log.DisposeAsync().ConfigureAwait(false);
        }
    }
}

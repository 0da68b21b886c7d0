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
using FastLb.Proxy.Routing;
using FastLb.Proxy.Tcp;
using FastLb.Proxy.Transport;

namespace FastLb.Proxy;

/// <summary>The proxy: listeners, pools, health checks, the admin endpoint and the request log, built from one config.</summary>
internal sealed class ProxyServer : IAsyncDisposable
{
    private readonly List<SocketListener> _listeners = [];
    private readonly ConcurrentDictionary<Socket, byte> _tcpSockets = new();
    private readonly Dictionary<string, PoolRuntime> _pools = new(StringComparer.Ordinal);
    private readonly List<BoundListener> _bound = [];
    private readonly List<FastLbPolicy> _learned = [];
    private HealthChecker? _health;
    private AdminServer? _admin;
    private ITimer? _sweeper;
    private ITimer? _refresher;
    private int _state; // 0 new, 1 running, 2 draining, 3 stopped

    /// <summary>Builds the runtime of <paramref name="config"/>; nothing is bound until <see cref="StartAsync"/>.</summary>
    public ProxyServer(ProxyConfig config, TimeProvider? time = null)
    {
        Config = config;
        Time = time ?? TimeProvider.System;
        InputBufferBytes = Math.Max(64 * 1024, 2 * config.Limits.MaxHeaderBytes);
        Timeouts = new ConnectionTimeouts(Time);
        if (config.ModelPath is { } modelPath && config.Pools.Any(p => p.Policy == PolicyNames.FastLb))
        {
            try
            {
                Model = new ModelWatcher(modelPath, Time, Console.Error);
            }
            catch (LatencyModelException e)
            {
                throw new ConfigException([$"model.path: {e.Message}"]);
            }
        }

        ulong seed = 1;
        foreach (PoolConfig pool in config.Pools)
        {
            var states = new BackendState[pool.Backends.Count];
            var backends = new BackendRuntime[pool.Backends.Count];
            for (int i = 0; i < states.Length; i++)
            {
                BackendConfig backend = pool.Backends[i];
                states[i] = new BackendState(backend.Address, backend.Weight);
                var upstream = new UpstreamPool(
                    backend.EndPoint, InputBufferBytes, Time, config.Limits.MaxIdlePerBackend,
                    TimeSpan.FromMilliseconds(config.Limits.UpstreamConnectTimeoutMs), TimeSpan.FromMilliseconds(config.Limits.UpstreamIdleTimeoutMs));
                backends[i] = new BackendRuntime(backend, states[i], upstream);
            }

            var context = new PolicyContext(states.Length, seed++, Time) { Routes = Router.RoutesOf(pool.Name, config.Routes), Model = Model?.Current };
            IRoutingPolicy? policy;
            if (pool.Policy == PolicyNames.FastLb)
            {
                // The proxy rebuilds the prediction table from its own timer (StartAsync), so no
                // request's completion ever waits for the model.
                var learned = new FastLbPolicy(context, FastLbOptions.Default with { RefreshOnReport = false });
                Model?.Attach(learned);
                _learned.Add(learned);
                policy = learned;
            }
            else if (!PolicyFactory.TryCreate(pool.Policy, context, out policy, out string? error))
            {
                throw new ConfigException([$"pools.{pool.Name}.policy: {error}"]);
            }

            _pools.Add(pool.Name, new PoolRuntime(pool, new Balancer(policy!, states), backends));
        }

        Pools = [.. _pools.Values];
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

    /// <summary>The config the proxy runs from.</summary>
    public ProxyConfig Config { get; }

    /// <summary>The clock.</summary>
    public TimeProvider Time { get; }

    /// <summary>Size and time limits.</summary>
    public LimitsOptions Limits => Config.Limits;

    /// <summary>Process-wide counters.</summary>
    public ProxyMetrics Metrics { get; } = new();

    /// <summary>The latency model watcher, when a pool uses the <c>fastlb</c> policy.</summary>
    public ModelWatcher? Model { get; }

    /// <summary>The request log, when configured.</summary>
    public RequestLogWriter? Log { get; }

    /// <summary>Received bytes a connection buffers before it stops reading: room for two request heads.</summary>
    public int InputBufferBytes { get; }

    /// <summary>The heartbeat that expires connection deadlines; also the registry of HTTP connections.</summary>
    public ConnectionTimeouts Timeouts { get; }

    /// <summary>Assigns request ids.</summary>
    public RequestIds RequestIds { get; } = new();

    /// <summary>The pools, in config order.</summary>
    public IReadOnlyList<PoolRuntime> Pools { get; }

    /// <summary>The listeners with the addresses actually bound.</summary>
    public IReadOnlyList<BoundListener> Listeners => _bound;

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
        try
        {
            foreach (ListenerConfig listener in Config.Listeners)
            {
                SocketListener socketListener = listener.Mode == ListenerMode.Tcp
                    ? new SocketListener(listener.EndPoint, TcpHandler(_pools[listener.Pool!], listener.Splice))
                    : new SocketListener(listener.EndPoint, HttpHandler(listener));
                _listeners.Add(socketListener);
                _bound.Add(new BoundListener(listener, socketListener.EndPoint));
            }

            _admin = new AdminServer(this);
            await _admin.StartAsync(Config.Admin).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            await DisposeListenersAsync().ConfigureAwait(false);
            throw new ConfigException([$"cannot bind: {e.Message}"]);
        }

        _health = new HealthChecker(Pools, Time);
        _health.Start();
        _sweeper = Time.CreateTimer(_ => SweepIdle(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        if (_learned.Count > 0)
        {
            TimeSpan every = FastLbOptions.Default.RefreshInterval;
            _refresher = Time.CreateTimer(_ => RefreshPredictions(), null, every, every);
        }
        foreach (SocketListener listener in _listeners)
        {
            listener.Start();
        }

        Volatile.Write(ref _state, 1);
    }

    private Func<Socket, Task> HttpHandler(ListenerConfig listener)
    {
        var router = new Router(listener.Name, Config.Routes, _pools, listener.Pool is null ? null : _pools[listener.Pool]);
        return socket => new HttpProxyConnection(this, router, new SocketConnection(socket, InputBufferBytes)).RunAsync();
    }

    private Func<Socket, Task> TcpHandler(PoolRuntime pool, bool splice) =>
        socket => Task.Run(() => new TcpProxyConnection(this, pool, socket, splice).RunAsync());

    /// <summary>Counts a failed connect and takes the backend out of rotation; health checks or probes bring it back.</summary>
    public void OnConnectFailed(BackendRuntime backend)
    {
        backend.Metrics.CountConnectFailure();
        backend.State.SetAvailable(false);
    }

    /// <summary>Registers or forgets a socket of a tcp session, so shutdown can end the ones still open.</summary>
    public void TrackTcp(Socket socket, bool add)
    {
        if (add)
        {
            _tcpSockets.TryAdd(socket, 0);
        }
        else
        {
            _tcpSockets.TryRemove(socket, out _);
        }
    }

    private void RefreshPredictions()
    {
        foreach (FastLbPolicy policy in _learned)
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
        foreach (Socket socket in _tcpSockets.Keys)
        {
            socket.Close();
        }

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

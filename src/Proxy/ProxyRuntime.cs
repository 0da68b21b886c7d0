using FastLb.Policy;
using FastLb.Policy.Prediction;
using FastLb.Proxy.Configuration;
using FastLb.Proxy.Health;
using FastLb.Proxy.Model;
using FastLb.Proxy.Runtime;
using FastLb.Proxy.Transport;

namespace FastLb.Proxy;

/// <summary>Everything that follows the config: the routing snapshot in use and the services that follow it (the latency model watcher, the periodic refresh of policies, health checks), set up at start and on every reload through <see cref="Apply"/>.</summary>
/// <remarks>
/// The proxy does not name any policy here: it asks the policies it built what they need through
/// capability interfaces. It loads and watches the model file only when a policy uses a model
/// (<see cref="ILatencyModelUser"/>), and runs one timer that refreshes the policies that want it
/// (<see cref="IPeriodicRefresh"/>).
/// </remarks>
internal sealed class ProxyRuntime : IAsyncDisposable
{
    private readonly RuntimeBuilder _builder;
    private readonly TimeProvider _time;
    private readonly TextWriter _log;
    private ModelWatcher? _model;
    private HealthChecker? _health;
    private PassiveMonitor? _passive;
    private ITimer? _refresher;
    private Edge.JwksWatcher? _jwks;

    /// <summary>Builds the first generation of <paramref name="config"/>; health checks and the refresher start with <see cref="Start"/>.</summary>
    /// <exception cref="ConfigException">A policy uses a model and the model file exists but does not load.</exception>
    public ProxyRuntime(ProxyConfig config, TimeProvider time, int inputBufferBytes, TextWriter log)
    {
        _time = time;
        _log = log;
        _builder = new RuntimeBuilder(time, inputBufferBytes);
        RuntimeBuild build = _builder.Build(config, previous: null, model: null);
        _model = CreateModelWatcher(config, build.Snapshot);
        Routing = new RoutingSource(build.Snapshot);
        _model?.SetPolicies(build.Snapshot.ModelUsers);
    }

    /// <summary>Where requests read the snapshot in use.</summary>
    public RoutingSource Routing { get; }

    /// <summary>The latency model watcher, once a policy uses a model.</summary>
    public ModelWatcher? Model => Volatile.Read(ref _model);

    /// <summary>The passive watch (breakers, outlier ejection, slow start, retry budgets), once started.</summary>
    public PassiveMonitor? Passive => _passive;

    /// <summary>Starts health checks, the passive watch and, when a policy wants it, the periodic refresh.</summary>
    public void Start()
    {
        RoutingSnapshot routing = Routing.Current;
        _health = new HealthChecker(routing.Pools, _time);
        _health.Start();
        _passive = new PassiveMonitor(Routing, _time);
        EnsureRefresher(routing);
        _jwks = new Edge.JwksWatcher(() => Routing.Current.RouteEdges, _time, _log);
    }

    /// <summary>Builds the next generation of <paramref name="next"/> and publishes it, or refuses it and changes nothing.</summary>
    /// <param name="next">A validated config that changes nothing restart-only (<see cref="ConfigDiff.RestartOnly"/>).</param>
    /// <param name="changes">Receives one line per change.</param>
    /// <returns>The errors that refused it; empty when applied.</returns>
    /// <remarks>Callers run one at a time (<see cref="ReloadCoordinator"/>).</remarks>
    public async Task<IReadOnlyList<string>> Apply(ProxyConfig next, List<string> changes)
    {
        RoutingSnapshot running = Routing.Current;
        ModelWatcher? model = Model;
        RuntimeBuild build = _builder.Build(next, running, model?.Current);

        // The watcher is made when the first policy uses a model, at start or here; a model file
        // that exists but does not load refuses the reload as it would refuse the start.
        if (model is null)
        {
            try
            {
                model = CreateModelWatcher(next, build.Snapshot);
            }
            catch (ConfigException e)
            {
                return e.Errors;
            }
        }

        // The switch: from here new requests and connections route by the new generation.
        foreach (Action commit in build.Commit)
        {
            commit();
        }

        Volatile.Write(ref _model, model);
        Routing.Publish(build.Snapshot);
        changes.AddRange(build.Changes);
        model?.SetPolicies(build.Snapshot.ModelUsers);
        EnsureRefresher(build.Snapshot);

        // Health checks follow the new pools: a new checker over them (it checks kept backends at
        // once; their availability and last report stay on their BackendState meanwhile), then the
        // old one stops, its checks in progress cancelled without ejecting anyone.
        HealthChecker? old = _health;
        _health = new HealthChecker(build.Snapshot.Pools, _time);
        _health.Start();
        if (old is not null)
        {
            await old.DisposeAsync().ConfigureAwait(false);
        }

        foreach (UpstreamPool upstream in build.Retired)
        {
            upstream.Retire();
        }

        return [];
    }

    /// <summary>Closes the idle keep-alive connections of every backend: past their idle timeout, or <paramref name="all"/>.</summary>
    public void CloseIdle(bool all)
    {
        foreach (PoolRuntime pool in Routing.Current.Pools)
        {
            foreach (BackendRuntime backend in pool.Backends)
            {
                backend.Upstream.CloseIdle(all);
            }
        }
    }

    /// <summary>Starts the refresh timer once a policy wants one; it refreshes the policies of the snapshot in use at each tick.</summary>
    private void EnsureRefresher(RoutingSnapshot routing)
    {
        if (_refresher is not null || routing.Refreshed.Length == 0)
        {
            return;
        }

        TimeSpan every = routing.Refreshed.Min(p => p.RefreshInterval);
        _refresher = _time.CreateTimer(_ => Refresh(), null, every, every);
    }

    private void Refresh()
    {
        foreach (IPeriodicRefresh policy in Routing.Current.Refreshed)
        {
            policy.Refresh();
        }
    }

    private ModelWatcher? CreateModelWatcher(ProxyConfig config, RoutingSnapshot snapshot)
    {
        if (config.ModelPath is not { } modelPath || snapshot.ModelUsers.Length == 0)
        {
            return null;
        }

        try
        {
            return new ModelWatcher(modelPath, _time, _log);
        }
        catch (LatencyModelException e)
        {
            throw new ConfigException([$"model.path: {e.Message}"]);
        }
    }

    /// <summary>Stops the timers and health checks and closes every idle connection.</summary>
    public async ValueTask DisposeAsync()
    {
        _refresher?.Dispose();
        _passive?.Dispose();
        _jwks?.Dispose();
        Model?.Dispose();
        if (_health is not null)
        {
            await _health.DisposeAsync().ConfigureAwait(false);
        }

        CloseIdle(all: true);
    }
}

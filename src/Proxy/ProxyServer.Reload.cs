using FastLb.Policy;
using FastLb.Policy.Learning;
using FastLb.Proxy.Configuration;
using FastLb.Proxy.Forwarding;
using FastLb.Proxy.Health;
using FastLb.Proxy.Model;
using FastLb.Proxy.Runtime;
using FastLb.Proxy.Transport;

namespace FastLb.Proxy;

/// <summary>Config reload: builds the next <see cref="RoutingSnapshot"/> over the surviving runtime state and swaps it in.</summary>
/// <remarks>
/// <para>A reload reads the file again through <see cref="ConfigSource.Load"/> (the same loader and
/// validator as at start). A file that is invalid, or that changes what only a restart can
/// (<see cref="ConfigDiff.RestartOnly"/>), is refused as a whole and the running config stays.</para>
/// <para>Otherwise the next snapshot is built off the hot path and published with one volatile
/// write. A backend is identified by its pool and address (DESIGN's backend id): one that stays keeps
/// the same <see cref="BackendState"/> (in-flight, smoothed latency and error rate, health report,
/// totals), its keep-alive pool and its counters; a new one starts fresh; a removed one gets no new
/// picks, and requests already on it finish there, reporting to the state and balancer they were
/// picked from, after which its connections are closed instead of pooled.</para>
/// <para>Reloads run one at a time (a semaphore, never taken by a request).</para>
/// </remarks>
internal sealed partial class ProxyServer
{
    private readonly SemaphoreSlim _reloadGate = new(1, 1);
    private ReloadStatus _reloadStatus;
    private ulong _nextSeed = 1;

    /// <summary>Config reloads so far.</summary>
    public ReloadStatus ReloadStatus => Volatile.Read(ref _reloadStatus);

    /// <summary>Reads the config file again and applies it, or refuses it whole; logs and counts the outcome.</summary>
    /// <remarks>Called for SIGHUP and <c>POST /reload</c>.</remarks>
    public async Task<ReloadResult> ReloadAsync()
    {
        await _reloadGate.WaitAsync().ConfigureAwait(false);
        try
        {
            RoutingSnapshot running = Routing;
            if (Source is null)
            {
                Console.Error.WriteLine("fastlb: reload ignored: no config file to reload (started with --listen/--backend); restart with the new flags instead");
                return new ReloadResult(ReloadOutcome.NoFile, running.Generation, [], ["no config file to reload: the proxy was started with --listen/--backend flags; restart with the new flags"]);
            }

            if (!IsReady)
            {
                return new ReloadResult(ReloadOutcome.NotRunning, running.Generation, [], ["the proxy is not running (starting or draining)"]);
            }

            ReloadResult result = await ApplyAsync(running, Source).ConfigureAwait(false);
            ReloadStatus status = ReloadStatus;
            DateTimeOffset now = Time.GetUtcNow();
            Volatile.Write(ref _reloadStatus, result.Outcome == ReloadOutcome.Applied
                ? status with { Generation = result.Generation, LoadedAt = now, Applied = status.Applied + 1, Last = result, LastAt = now }
                : status with { Refused = status.Refused + 1, Last = result, LastAt = now });
            Console.Error.WriteLine(result.Outcome == ReloadOutcome.Applied
                ? $"fastlb: config {Source.Path} reloaded, generation {result.Generation}: {(result.Changes.Count == 0 ? "no changes" : string.Join("; ", result.Changes))}"
                : $"fastlb: config {Source.Path} refused, generation {running.Generation} keeps running:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", result.Errors)}");
            return result;
        }
        finally
        {
            _reloadGate.Release();
        }
    }

    private async Task<ReloadResult> ApplyAsync(RoutingSnapshot running, ConfigSource source)
    {
        ProxyConfig next;
        try
        {
            next = source.Load();
        }
        catch (ConfigException e)
        {
            return new ReloadResult(ReloadOutcome.Refused, running.Generation, [], e.Errors);
        }

        List<string> errors = ConfigDiff.RestartOnly(running.Config, next);
        if (errors.Count > 0)
        {
            return new ReloadResult(ReloadOutcome.Refused, running.Generation, [], errors);
        }

        // The model watcher is made when the first pool uses fastlb, at start or here; a model file
        // that exists but does not load refuses the reload as it would refuse the start.
        ModelWatcher? model = Model;
        if (model is null)
        {
            try
            {
                model = CreateModelWatcher(next);
            }
            catch (ConfigException e)
            {
                return new ReloadResult(ReloadOutcome.Refused, running.Generation, [], e.Errors);
            }
        }

        Volatile.Write(ref _model, model);
        var changes = new List<string>();
        var retired = new List<UpstreamPool>();
        ConfigDiff.DescribeGlobal(running.Config, next, changes);
        RoutingSnapshot built = Build(next, running, running.Generation + 1, changes, retired);

        // The switch: from here new requests and connections route by the new generation.
        _routing.Publish(built);
        BoundListener[] bound = Listeners.ToArray();
        for (int i = 0; i < bound.Length; i++)
        {
            bound[i] = bound[i] with { Config = built.Listeners[i].Config };
        }

        Volatile.Write(ref _bound, bound);
        model?.SetPolicies(built.Learned);
        EnsureRefresher(built);

        // Health checks follow the new pools: a new checker over them (it checks kept backends at
        // once; their availability and last report stay on their BackendState meanwhile), then the
        // old one stops, its checks in progress cancelled without ejecting anyone.
        HealthChecker? old = _health;
        _health = new HealthChecker(built.Pools, Time);
        _health.Start();
        if (old is not null)
        {
            await old.DisposeAsync().ConfigureAwait(false);
        }

        foreach (UpstreamPool upstream in retired)
        {
            upstream.Retire();
        }

        return new ReloadResult(ReloadOutcome.Applied, built.Generation, changes, []);
    }

    /// <summary>Builds the runtime of <paramref name="config"/>, reusing by backend id what <paramref name="previous"/> holds.</summary>
    /// <param name="config">The validated config.</param>
    /// <param name="previous">The generation running now; null at start.</param>
    /// <param name="generation">The new generation's number.</param>
    /// <param name="changes">Receives one line per pool or backend change.</param>
    /// <param name="retired">Receives the keep-alive pools of backends that leave (removed, or in a removed pool), to close once the new generation runs.</param>
    private RoutingSnapshot Build(ProxyConfig config, RoutingSnapshot? previous, long generation, List<string> changes, List<UpstreamPool> retired)
    {
        var pools = new PoolRuntime[config.Pools.Count];
        var byName = new Dictionary<string, PoolRuntime>(StringComparer.Ordinal);
        var learned = new List<FastLbPolicy>();
        for (int p = 0; p < pools.Length; p++)
        {
            PoolConfig pool = config.Pools[p];
            PoolRuntime? old = null;
            previous?.PoolsByName.TryGetValue(pool.Name, out old);
            if (previous is not null && old is null)
            {
                changes.Add($"pool '{pool.Name}': added");
            }

            pools[p] = BuildPool(config, pool, old, previous?.Config, changes, retired);
            if (pools[p].Balancer.Policy is FastLbPolicy fastLb)
            {
                learned.Add(fastLb);
            }

            byName.Add(pool.Name, pools[p]);
        }

        if (previous is not null)
        {
            foreach (PoolRuntime old in previous.Pools)
            {
                if (!byName.ContainsKey(old.Name))
                {
                    changes.Add($"pool '{old.Name}': removed, {old.Balancer.InFlight} in flight finishing");
                    foreach (BackendRuntime backend in old.Backends)
                    {
                        retired.Add(backend.Upstream);
                    }
                }
            }
        }

        // In the order bound at start (a reload keeps every listener; ConfigDiff refuses others).
        int count = previous?.Listeners.Length ?? config.Listeners.Count;
        var listeners = new ListenerRoutes[count];
        for (int i = 0; i < count; i++)
        {
            string name = previous is null ? config.Listeners[i].Name : previous.Listeners[i].Config.Name;
            ListenerConfig listener = FindListener(config, name);
            PoolRuntime? pool = listener.Pool is null ? null : byName[listener.Pool];
            Router? router = listener.Mode == ListenerMode.Http ? new Router(listener.Name, config.Routes, byName, pool) : null;
            listeners[i] = new ListenerRoutes(listener, router, pool);
        }

        return new RoutingSnapshot(generation, config, pools, listeners, [.. learned]);
    }

    private PoolRuntime BuildPool(ProxyConfig config, PoolConfig pool, PoolRuntime? old, ProxyConfig? oldConfig, List<string> changes, List<UpstreamPool> retired)
    {
        LimitsOptions limits = config.Limits;
        int count = pool.Backends.Count;
        var states = new BackendState[count];
        var backends = new BackendRuntime[count];

        // Same backends at the same positions: policies index their own tables by position.
        bool sameSet = old is not null && old.Backends.Length == count;
        for (int i = 0; i < count; i++)
        {
            BackendConfig backend = pool.Backends[i];
            BackendRuntime? kept = old is null ? null : FindBackend(old.Backends, backend.Address);
            if (kept is null)
            {
                sameSet = false;
                states[i] = new BackendState(backend.Address, backend.Weight);
                backends[i] = new BackendRuntime(backend, states[i], NewUpstream(backend, limits));
                if (old is not null)
                {
                    changes.Add($"pool '{pool.Name}': backend {backend.Address} added");
                }

                continue;
            }

            sameSet &= ReferenceEquals(old!.Backends[i], kept);
            states[i] = kept.State;
            if (kept.State.Weight != backend.Weight)
            {
                changes.Add($"pool '{pool.Name}': backend {backend.Address} weight {kept.State.Weight} -> {backend.Weight}");

                // A volatile write the policies read at their next pick (weighted round robin
                // rebuilds its schedule when it sees it).
                kept.State.Weight = backend.Weight;
            }

            UpstreamPool upstream = kept.Upstream;
            if (upstream.MaxIdle != limits.MaxIdlePerBackend)
            {
                // The idle slots are a fixed array; a new size means a new keep-alive pool.
                retired.Add(upstream);
                upstream = NewUpstream(backend, limits);
            }
            else
            {
                upstream.SetTimeouts(TimeSpan.FromMilliseconds(limits.UpstreamConnectTimeoutMs), TimeSpan.FromMilliseconds(limits.UpstreamIdleTimeoutMs));
            }

            backends[i] = kept.WithConfig(backend, upstream);
        }

        if (old is not null)
        {
            foreach (BackendRuntime backend in old.Backends)
            {
                if (FindBackend(backends, backend.Config.Address) is null)
                {
                    changes.Add($"pool '{pool.Name}': backend {backend.Config.Address} removed, {backend.State.InFlight} in flight finishing");
                    retired.Add(backend.Upstream);
                }
            }

            ConfigDiff.DescribePool(old.Config, pool, changes);
        }

        List<string> routes = Router.RoutesOf(pool.Name, config.Routes);
        bool sameRoutes = old is not null && Router.RoutesOf(pool.Name, oldConfig!.Routes).SequenceEqual(routes);
        bool sameDeadline = old is not null && old.Config.DeadlineMs == pool.DeadlineMs;
        Balancer balancer;
        if (old is not null && sameSet && old.Config.Policy == pool.Policy && sameRoutes && sameDeadline)
        {
            // Same policy over the same backends and routes, with the same deadline: the very
            // balancer, so the policy keeps everything it learned and the pool's in-flight count
            // stays exact.
            balancer = old.Balancer;
        }
        else
        {
            // A new policy over the states that survive. What survives is what lives in
            // BackendState: in-flight, smoothed latency and error rate, health report and totals,
            // which is all that least_connections, least_response_time, power_of_two and
            // resource_based read. What a policy keeps by position starts again: round robin's
            // cursor, the weighted schedule and the hash ring (rebuilt from the states at the first
            // pick), peak_ewma's estimates, q_learning's Q table and exploration rate, and fastlb's
            // drift corrections, exploration rate and prediction table (rebuilt from the shared
            // model within one refresh). The old policy still hears the outcomes of the requests
            // it picked; the new balancer counts only requests picked after the switch. The
            // deadline is a PolicyContext value, fixed when a policy is built, so a new deadline
            // means a new policy; the proxy does not know which policies read it, so it rebuilds
            // whichever the pool uses.
            IRoutingPolicy policy = CreatePolicy(pool, count, routes);
            balancer = new Balancer(policy, states);
            if (old is not null)
            {
                changes.Add(old.Config.Policy != pool.Policy
                    ? $"pool '{pool.Name}': policy {old.Config.Policy} -> {pool.Policy}"
                    : sameSet && sameRoutes
                        ? $"pool '{pool.Name}': new {pool.Policy} policy for the new deadline"
                        : $"pool '{pool.Name}': new {pool.Policy} policy over the new backend set");
            }
        }

        return new PoolRuntime(pool, balancer, backends, old?.Latency, old?.Metrics);
    }

    private IRoutingPolicy CreatePolicy(PoolConfig pool, int count, List<string> routes)
    {
        var context = new PolicyContext(count, _nextSeed++, Time)
        {
            Routes = routes,
            Model = Model?.Current,
            DeadlineMs = pool.DeadlineMs ?? double.PositiveInfinity,
        };
        if (pool.Policy == PolicyNames.FastLb)
        {
            // The proxy rebuilds the prediction table from its own timer (EnsureRefresher), so no
            // request's completion ever waits for the model.
            return new FastLbPolicy(context, FastLbOptions.Default with { RefreshOnReport = false });
        }

        if (!PolicyFactory.TryCreate(pool.Policy, context, out IRoutingPolicy? policy, out string? error))
        {
            throw new ConfigException([$"pools.{pool.Name}.policy: {error}"]);
        }

        return policy!;
    }

    private UpstreamPool NewUpstream(BackendConfig backend, LimitsOptions limits) =>
        new(backend.EndPoint, InputBufferBytes, Time, limits.MaxIdlePerBackend,
            TimeSpan.FromMilliseconds(limits.UpstreamConnectTimeoutMs), TimeSpan.FromMilliseconds(limits.UpstreamIdleTimeoutMs));

    private static BackendRuntime? FindBackend(BackendRuntime[] backends, string address)
    {
        foreach (BackendRuntime backend in backends)
        {
            if (string.Equals(backend.Config.Address, address, StringComparison.OrdinalIgnoreCase))
            {
                return backend;
            }
        }

        return null;
    }

    private static ListenerConfig FindListener(ProxyConfig config, string name)
    {
        foreach (ListenerConfig listener in config.Listeners)
        {
            if (listener.Name == name)
            {
                return listener;
            }
        }

        throw new InvalidOperationException($"listener '{name}' is not in the config (ConfigDiff.RestartOnly lets no reload remove one)");
    }
}

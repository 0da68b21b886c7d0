using FastLb.Policy;
using FastLb.Policy.Catalog;
using FastLb.Policy.Prediction;
using FastLb.Proxy.Configuration;
using FastLb.Proxy.Edge;
using FastLb.Proxy.Transport;

namespace FastLb.Proxy.Runtime;

/// <summary>Builds a <see cref="RoutingSnapshot"/> from a validated config, at start and on every reload, carrying over by backend id what the running generation holds.</summary>
/// <remarks>
/// <para>A backend is known by its pool and address. One that stays keeps the same
/// <see cref="BackendState"/> (in-flight, smoothed latency and error rate, health report, totals),
/// its keep-alive pool and its counters; a new one starts fresh; a removed one gets no new picks,
/// and requests already on it finish there, reporting through the leases they were picked with,
/// after which its connections are closed instead of pooled.</para>
/// <para>Building changes nothing that runs: what must change on the kept state (a new weight, new
/// timeouts of a keep-alive pool) is returned as <see cref="RuntimeBuild.Commit"/>, run only when
/// the new snapshot is published, so a reload refused after the build leaves the running generation
/// as it was.</para>
/// </remarks>
internal sealed class RuntimeBuilder(TimeProvider time, int inputBufferBytes)
{
    private ulong _nextSeed = 1;

    /// <summary>Builds the generation after <paramref name="previous"/> (the first when null) from <paramref name="config"/>.</summary>
    /// <param name="config">The validated config.</param>
    /// <param name="previous">The generation running now; null at start.</param>
    /// <param name="model">The latency model in use, handed to the policies built (those that use one).</param>
    public RuntimeBuild Build(ProxyConfig config, RoutingSnapshot? previous, ILatencyModel? model)
    {
        var build = new RuntimeBuild();
        var pools = new PoolRuntime[config.Pools.Count];
        var byName = new Dictionary<string, PoolRuntime>(StringComparer.Ordinal);
        for (int p = 0; p < pools.Length; p++)
        {
            PoolConfig pool = config.Pools[p];
            PoolRuntime? old = null;
            previous?.PoolsByName.TryGetValue(pool.Name, out old);
            if (previous is not null && old is null)
            {
                build.Changes.Add($"pool '{pool.Name}': added");
            }

            pools[p] = BuildPool(config, pool, old, previous?.Config, model, build);
            byName.Add(pool.Name, pools[p]);
        }

        if (previous is not null)
        {
            foreach (PoolRuntime old in previous.Pools)
            {
                if (!byName.ContainsKey(old.Name))
                {
                    build.Changes.Add($"pool '{old.Name}': removed, {old.Balancer.InFlight} in flight finishing");
                    foreach (BackendRuntime backend in old.Backends)
                    {
                        build.Retired.Add(backend.Upstream);
                    }
                }
            }
        }

        RouteEdge?[] edges = RouteEdgeBuilder.Build(config.Routes, previous?.RouteEdges, time);

        // In the order bound at start (a reload keeps every listener; ConfigDiff refuses others).
        int count = previous?.Listeners.Length ?? config.Listeners.Count;
        var listeners = new ListenerRoutes[count];
        for (int i = 0; i < count; i++)
        {
            string name = previous is null ? config.Listeners[i].Name : previous.Listeners[i].Config.Name;
            ListenerConfig listener = FindListener(config, name);
            PoolRuntime? pool = listener.Pool is null ? null : byName[listener.Pool];
            Router? router = listener.Mode == ListenerMode.Http ? new Router(listener.Name, config.Routes, byName, pool, edges) : null;
            listeners[i] = new ListenerRoutes(listener, router, pool);
        }

        build.Snapshot = new RoutingSnapshot((previous?.Generation ?? 0) + 1, config, pools, listeners)
        {
            RouteEdges = [.. edges.OfType<RouteEdge>()],
        };
        return build;
    }

    private PoolRuntime BuildPool(ProxyConfig config, PoolConfig pool, PoolRuntime? old, ProxyConfig? oldConfig, ILatencyModel? model, RuntimeBuild build)
    {
        LimitsOptions limits = config.Limits;
        int count = pool.Backends.Count;
        var states = new BackendState[count];
        var backends = new BackendRuntime[count];
        List<string> changes = build.Changes;

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
                var watch = new BackendWatch();
                if (old is not null && pool.SlowStartMs > 0)
                {
                    // Added to a running pool: it ramps up like a backend that comes back.
                    watch.RampStart = time.GetTimestamp();
                    states[i].SetShare(0.1);
                }

                backends[i] = new BackendRuntime(backend, states[i], NewUpstream(backend, limits), new CircuitBreaker(states[i], pool.Breaker, time), watch);
                if (old is not null)
                {
                    changes.Add($"pool '{pool.Name}': backend {backend.Address} added");
                }

                continue;
            }

            // Short-circuit: a kept backend may now sit past the end of the old, shorter list.
            sameSet = sameSet && ReferenceEquals(old!.Backends[i], kept);
            states[i] = kept.State;
            if (kept.State.Weight != backend.Weight)
            {
                changes.Add($"pool '{pool.Name}': backend {backend.Address} weight {kept.State.Weight} -> {backend.Weight}");

                // A volatile write the policies read at their next pick (weighted round robin
                // rebuilds its schedule when it sees it).
                BackendState state = kept.State;
                int weight = backend.Weight;
                build.Commit.Add(() => state.Weight = weight);
            }

            if (kept.Breaker.Settings != pool.Breaker)
            {
                CircuitBreaker breaker = kept.Breaker;
                BreakerSettings settings = pool.Breaker;
                build.Commit.Add(() => breaker.Settings = settings);
            }

            UpstreamPool upstream = kept.Upstream;
            if (upstream.MaxIdle != limits.MaxIdlePerBackend)
            {
                // The idle slots are a fixed array; a new size means a new keep-alive pool.
                build.Retired.Add(upstream);
                upstream = NewUpstream(backend, limits);
            }
            else
            {
                UpstreamPool same = upstream;
                build.Commit.Add(() => same.SetTimeouts(TimeSpan.FromMilliseconds(limits.UpstreamConnectTimeoutMs), TimeSpan.FromMilliseconds(limits.UpstreamIdleTimeoutMs)));
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
                    build.Retired.Add(backend.Upstream);
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
            // model within one refresh). Attempts picked by the old policy complete through their
            // leases, to the old balancer; the new balancer counts only attempts picked after the
            // switch. The deadline is a PolicyContext value, fixed when a policy is built, so a new
            // deadline means a new policy; the proxy does not know which policies read it, so it
            // rebuilds whichever the pool uses.
            balancer = new Balancer(CreatePolicy(pool, count, routes, model), states);
            if (old is not null)
            {
                changes.Add(old.Config.Policy != pool.Policy
                    ? $"pool '{pool.Name}': policy {old.Config.Policy} -> {pool.Policy}"
                    : sameSet && sameRoutes
                        ? $"pool '{pool.Name}': new {pool.Policy} policy for the new deadline"
                        : $"pool '{pool.Name}': new {pool.Policy} policy over the new backend set");
            }
        }

        if (ReferenceEquals(balancer, old?.Balancer))
        {
            Balancer same = balancer;
            int cap = pool.MaxInFlightPerBackend;
            build.Commit.Add(() => same.MaxInFlightPerBackend = cap);
        }
        else
        {
            balancer.MaxInFlightPerBackend = pool.MaxInFlightPerBackend;
        }

        return new PoolRuntime(pool, balancer, backends, old?.Latency, old?.Metrics, old?.RetryBudget, old?.Queue, old?.HedgeBudget);
    }

    private IRoutingPolicy CreatePolicy(PoolConfig pool, int count, List<string> routes, ILatencyModel? model)
    {
        // The proxy refreshes what a policy refreshes periodically from its own timer
        // (HostRefreshes), so no request's completion ever waits for that work.
        var context = new PolicyContext(count, _nextSeed++, time)
        {
            Routes = routes,
            Model = model,
            DeadlineMs = pool.DeadlineMs ?? double.PositiveInfinity,
            HostRefreshes = true,
        };
        if (!PolicyFactory.TryCreate(pool.Policy, context, out IRoutingPolicy? policy, out string? error))
        {
            throw new ConfigException([$"pools.{pool.Name}.policy: {error}"]);
        }

        return policy!;
    }

    private UpstreamPool NewUpstream(BackendConfig backend, LimitsOptions limits) =>
        new(backend.EndPoint, inputBufferBytes, time, limits.MaxIdlePerBackend,
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

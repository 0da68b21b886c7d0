using FastLb.Policy;
using FastLb.Proxy.Configuration;
using FastLb.Proxy.Edge;

namespace FastLb.Proxy.Runtime;

/// <summary>One generation of the config at run time: pools, routers and limits, immutable, swapped whole on a config reload.</summary>
/// <remarks>
/// The hot path reads the current snapshot with one volatile read (<see cref="RoutingSource.Current"/>)
/// when a request's head is parsed or a tcp connection is accepted, and keeps what it picked from it
/// (pool, backend) until the request ends, so a reload never moves a request already under way.
/// What must outlive a generation (<see cref="Policy.BackendState"/>, keep-alive pools, counters) is
/// carried from snapshot to snapshot by backend id.
/// </remarks>
internal sealed class RoutingSnapshot
{
    /// <summary>Builds a snapshot; <paramref name="listeners"/> is indexed like the listeners bound at start.</summary>
    public RoutingSnapshot(long generation, ProxyConfig config, PoolRuntime[] pools, ListenerRoutes[] listeners)
    {
        Generation = generation;
        Config = config;
        Pools = pools;
        Listeners = listeners;
        var modelUsers = new List<ILatencyModelUser>();
        var refreshed = new List<IPeriodicRefresh>();
        var byName = new Dictionary<string, PoolRuntime>(StringComparer.Ordinal);
        foreach (PoolRuntime pool in pools)
        {
            byName.Add(pool.Name, pool);
            if (pool.Balancer.Policy is ILatencyModelUser user)
            {
                modelUsers.Add(user);
            }

            if (pool.Balancer.Policy is IPeriodicRefresh refresh)
            {
                refreshed.Add(refresh);
            }
        }

        ModelUsers = [.. modelUsers];
        Refreshed = [.. refreshed];

        PoolsByName = byName;
    }

    /// <summary>1 for the config loaded at start, one more for every reload applied.</summary>
    public long Generation { get; }

    /// <summary>The validated config of this generation.</summary>
    public ProxyConfig Config { get; }

    /// <summary>The pools, in config order.</summary>
    public PoolRuntime[] Pools { get; }

    /// <summary>The pools by name.</summary>
    public IReadOnlyDictionary<string, PoolRuntime> PoolsByName { get; }

    /// <summary>Per bound listener (same index as at start): its router or pool.</summary>
    public ListenerRoutes[] Listeners { get; }

    /// <summary>The policies of this generation that rank by a latency model: the host hands them the model in use and every new one.</summary>
    public ILatencyModelUser[] ModelUsers { get; }

    /// <summary>The policies of this generation that want a periodic refresh, which the host runs from its own timer.</summary>
    public IPeriodicRefresh[] Refreshed { get; }

    /// <summary>The rate limit and JWT checks of the routes that have them; carried to the next generation by route.</summary>
    public IReadOnlyList<RouteEdge> RouteEdges { get; init; } = [];
}

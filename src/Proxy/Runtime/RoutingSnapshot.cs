using FastLb.Policy.Learning;
using FastLb.Proxy.Configuration;

namespace FastLb.Proxy.Runtime;

/// <summary>One generation of the config at run time: pools, routers and limits, immutable, swapped whole on a config reload.</summary>
/// <remarks>
/// The hot path reads the current snapshot with one volatile read (<see cref="ProxyServer.Routing"/>)
/// when a request's head is parsed or a tcp connection is accepted, and keeps what it picked from it
/// (pool, backend) until the request ends, so a reload never moves a request already under way.
/// What must outlive a generation (<see cref="Policy.BackendState"/>, keep-alive pools, counters) is
/// carried from snapshot to snapshot by backend id.
/// </remarks>
internal sealed class RoutingSnapshot
{
    /// <summary>Builds a snapshot; <paramref name="listeners"/> is indexed like the listeners bound at start.</summary>
    public RoutingSnapshot(long generation, ProxyConfig config, PoolRuntime[] pools, ListenerRoutes[] listeners, FastLbPolicy[] learned)
    {
        Generation = generation;
        Config = config;
        Pools = pools;
        Listeners = listeners;
        Learned = learned;
        var byName = new Dictionary<string, PoolRuntime>(StringComparer.Ordinal);
        foreach (PoolRuntime pool in pools)
        {
            byName.Add(pool.Name, pool);
        }

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

    /// <summary>The <c>fastlb</c> policies of this generation, whose prediction tables the proxy refreshes.</summary>
    public FastLbPolicy[] Learned { get; }
}

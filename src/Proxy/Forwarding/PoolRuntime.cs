using FastLb.Policy;
using FastLb.Proxy.Configuration;
using FastLb.Proxy.Metrics;

namespace FastLb.Proxy.Forwarding;

/// <summary>A pool at run time: its balancer, its backends, its latency histogram.</summary>
internal sealed class PoolRuntime
{
    /// <summary>Binds a pool's config to its runtime parts.</summary>
    public PoolRuntime(PoolConfig config, Balancer balancer, BackendRuntime[] backends)
    {
        Config = config;
        Balancer = balancer;
        Backends = backends;
    }

    /// <summary>The pool's validated config.</summary>
    public PoolConfig Config { get; }

    /// <summary>The pool's name.</summary>
    public string Name => Config.Name;

    /// <summary>The policy and the backend states it picks from.</summary>
    public Balancer Balancer { get; }

    /// <summary>Backends, in the same order as <see cref="Balancer.Backends"/>.</summary>
    public BackendRuntime[] Backends { get; }

    /// <summary>Latency of requests through the pool.</summary>
    public LatencyHistogram Latency { get; } = new();
}

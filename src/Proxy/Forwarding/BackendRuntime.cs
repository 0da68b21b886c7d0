using FastLb.Policy;
using FastLb.Proxy.Configuration;
using FastLb.Proxy.Metrics;
using FastLb.Proxy.Transport;

namespace FastLb.Proxy.Forwarding;

/// <summary>Everything the proxy keeps for one backend of one pool.</summary>
internal sealed class BackendRuntime(BackendConfig config, BackendState state, UpstreamPool upstream)
{
    /// <summary>The backend's validated config; <see cref="BackendConfig.Address"/> is its id.</summary>
    public BackendConfig Config { get; } = config;

    /// <summary>What the policy sees: in-flight, smoothed latency and errors, health.</summary>
    public BackendState State { get; } = state;

    /// <summary>Keep-alive connections to it.</summary>
    public UpstreamPool Upstream { get; } = upstream;

    /// <summary>Its counters.</summary>
    public BackendMetrics Metrics { get; } = new();
}

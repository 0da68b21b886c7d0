using FastLb.Policy;
using FastLb.Proxy.Configuration;
using FastLb.Proxy.Metrics;
using FastLb.Proxy.Transport;

namespace FastLb.Proxy.Runtime;

/// <summary>Everything the proxy keeps for one backend of one pool.</summary>
/// <remarks>
/// A config reload that keeps the backend (same pool, same address) makes a new one with
/// <see cref="WithConfig"/> around the same state, keep-alive pool and counters.
/// </remarks>
internal sealed class BackendRuntime(BackendConfig config, BackendState state, UpstreamPool upstream, BackendMetrics? metrics = null)
{
    /// <summary>The backend's validated config; <see cref="BackendConfig.Address"/> is its id.</summary>
    public BackendConfig Config { get; } = config;

    /// <summary>What the policy sees: in-flight, smoothed latency and errors, health.</summary>
    public BackendState State { get; } = state;

    /// <summary>Keep-alive connections to it.</summary>
    public UpstreamPool Upstream { get; } = upstream;

    /// <summary>Its counters.</summary>
    public BackendMetrics Metrics { get; } = metrics ?? new();

    /// <summary>A connect to it failed: counts the failure and takes it out of rotation; health checks or the tcp probe bring it back.</summary>
    public void OnConnectFailed()
    {
        Metrics.CountConnectFailure();
        State.SetAvailable(false);
    }

    /// <summary>The same backend under <paramref name="next"/>, its new config: same state, keep-alive pool and counters.</summary>
    public BackendRuntime WithConfig(BackendConfig next, UpstreamPool? upstream = null) => new(next, State, upstream ?? Upstream, Metrics);
}

using FastLb.Policy;
using FastLb.Proxy.Configuration;
using FastLb.Proxy.Metrics;
using FastLb.Proxy.Transport;

namespace FastLb.Proxy.Runtime;

/// <summary>Everything the proxy keeps for one backend of one pool.</summary>
/// <remarks>
/// A config reload that keeps the backend (same pool, same address) makes a new one with
/// <see cref="WithConfig"/> around the same state, keep-alive pool, circuit breaker, passive watch
/// and counters.
/// </remarks>
internal sealed class BackendRuntime(BackendConfig config, BackendState state, UpstreamPool upstream, CircuitBreaker breaker, BackendWatch? watch = null, BackendMetrics? metrics = null)
{
    /// <summary>The backend's validated config; <see cref="BackendConfig.Address"/> is its id.</summary>
    public BackendConfig Config { get; } = config;

    /// <summary>What the policy sees: in-flight, smoothed latency and errors, health, why it is out of rotation.</summary>
    public BackendState State { get; } = state;

    /// <summary>Keep-alive connections to it.</summary>
    public UpstreamPool Upstream { get; } = upstream;

    /// <summary>Passive failure detection: opens on failures, lets a probe through after a cool-down.</summary>
    public CircuitBreaker Breaker { get; } = breaker;

    /// <summary>Outlier ejection and slow start, advanced by the passive monitor.</summary>
    public BackendWatch Watch { get; } = watch ?? new();

    /// <summary>Its counters.</summary>
    public BackendMetrics Metrics { get; } = metrics ?? new();

    /// <summary>A connect to it failed: counts the failure and opens its circuit; the breaker's probe (or a passing health check and probe) brings it back.</summary>
    public void OnConnectFailed()
    {
        Metrics.CountConnectFailure();
        Breaker.Trip();
    }

    /// <summary>The same backend under <paramref name="next"/>, its new config: same state, keep-alive pool, breaker, watch and counters.</summary>
    public BackendRuntime WithConfig(BackendConfig next, UpstreamPool? upstream = null) => new(next, State, upstream ?? Upstream, Breaker, Watch, Metrics);
}

using FastLb.Policy.Prediction;

namespace FastLb.Policy;

/// <summary>What a policy is built with: pool size, its own random seed, the clock, and optionally a latency model.</summary>
/// <param name="BackendCount">Backends in the pool, for policies that size tables by it.</param>
/// <param name="Seed">Seed of the policy's own random generator (never a shared one).</param>
/// <param name="Time">The clock: the system's in the proxy, simulated time in the simulator.</param>
public sealed record PolicyContext(int BackendCount, ulong Seed, TimeProvider Time)
{
    /// <summary>The trained latency model, when one is loaded; the learned policy falls back without it.</summary>
    public ILatencyModel? Model { get; init; }

    /// <summary>How long a request may take before its caller gives up, in ms; infinite (the default) when there is no deadline.</summary>
    /// <remarks>A policy that predicts latency (<c>fastlb</c> with a model) sheds a request it predicts would not be answered in time
    /// (<see cref="IRoutingPolicy.Shed"/>); the others ignore it.</remarks>
    public double DeadlineMs { get; init; } = double.PositiveInfinity;

    /// <summary>True when the host calls <see cref="IPeriodicRefresh.Refresh"/> from its own timer (the proxy), so a
    /// policy that needs a periodic refresh does none on the request path; false (the default, the simulator)
    /// lets such a policy refresh from its reports on <see cref="Time"/>.</summary>
    public bool HostRefreshes { get; init; }

    /// <summary>Path prefixes of the routes that lead to the pool; <see cref="RequestFeatures.RouteId"/> indexes this list.</summary>
    public IReadOnlyList<string> Routes { get; init; } = [];
}

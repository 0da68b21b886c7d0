using FastLb.Policy.Baselines;
using FastLb.Policy.Learning;

namespace FastLb.Policy.Catalog;

/// <summary>Creates a policy from its config name.</summary>
public static class PolicyFactory
{
    /// <summary>Names that <see cref="TryCreate"/> can build today.</summary>
    public static IReadOnlyList<string> Implemented { get; } =
    [
        PolicyNames.RoundRobin, PolicyNames.WeightedRoundRobin, PolicyNames.Random, PolicyNames.PowerOfTwo,
        PolicyNames.LeastConnections, PolicyNames.LeastResponseTime, PolicyNames.PeakEwma, PolicyNames.Prequal,
        PolicyNames.ConsistentHash, PolicyNames.ResourceBased, PolicyNames.QLearning, PolicyNames.FastLb,
    ];

    /// <summary>Creates the policy named <paramref name="name"/>.</summary>
    /// <param name="name">A name from <see cref="PolicyNames"/>.</param>
    /// <param name="context">Pool size, seed, clock and model.</param>
    /// <param name="policy">The policy, when the name is known and implemented.</param>
    /// <param name="error">Why not, otherwise.</param>
    public static bool TryCreate(string name, PolicyContext context, out IRoutingPolicy? policy, out string? error)
    {
        ArgumentNullException.ThrowIfNull(context);
        policy = name switch
        {
            PolicyNames.RoundRobin => new RoundRobinPolicy(),
            PolicyNames.WeightedRoundRobin => new WeightedRoundRobinPolicy(),
            PolicyNames.Random => new RandomPolicy(context.Seed),
            PolicyNames.PowerOfTwo => new PowerOfTwoPolicy(context.Seed),
            PolicyNames.LeastConnections => new LeastConnectionsPolicy(),
            PolicyNames.LeastResponseTime => new LeastResponseTimePolicy(),
            PolicyNames.PeakEwma => new PeakEwmaPolicy(context),
            PolicyNames.Prequal => new PrequalPolicy(context.Seed),
            PolicyNames.ConsistentHash => new ConsistentHashPolicy(context.Seed),
            PolicyNames.ResourceBased => new ResourceBasedPolicy(),
            PolicyNames.QLearning => new QLearningPolicy(context),
            PolicyNames.FastLb => new FastLbPolicy(context),
            _ => null,
        };

        error = policy is not null ? null
            : PolicyNames.All.Contains(name) ? $"policy '{name}' is not implemented yet; implemented: {string.Join(", ", Implemented)}"
            : $"unknown policy '{name}'; known: {string.Join(", ", PolicyNames.All)}";
        return policy is not null;
    }
}

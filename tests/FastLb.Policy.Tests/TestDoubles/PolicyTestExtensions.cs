using FastLb.Policy;

namespace FastLb.Policy.Tests.TestDoubles;

/// <summary>Shorthands for tests: a policy's own pick without a balancer, and a balancer pick that hands back its lease.</summary>
public static class PolicyTestExtensions
{
    /// <summary>Asks <paramref name="policy"/> for a pick with a fresh note (a test of its choice alone; nothing is counted in flight).</summary>
    public static int Pick(this IRoutingPolicy policy, ReadOnlySpan<BackendState> backends, in RequestFeatures request)
    {
        PickNote note = PickNote.None;
        return policy.Pick(backends, request, ref note);
    }

    /// <summary>Picks through <paramref name="balancer"/>: the backend picked, whose attempt <paramref name="lease"/> holds, or null.</summary>
    public static BackendState? Pick(this Balancer balancer, ref RequestFeatures request, out BackendLease lease)
    {
        lease = default;
        return balancer.Acquire(ref request, ref lease) >= 0 ? lease.Backend : null;
    }
}

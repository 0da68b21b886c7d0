using FastLb.Policy.Baselines;
using FastLb.Policy.Tests.Contract;
using FastLb.Policy.Tests.TestDoubles;

namespace FastLb.Policy.Tests.Baselines;

public sealed class PowerOfTwoPolicyTests : RoutingPolicyContractTests
{
    protected override string ExpectedName => PolicyNames.PowerOfTwo;

    protected override IRoutingPolicy Create(PolicyContext context) => new PowerOfTwoPolicy(context.Seed);

    [Fact]
    public void Pick_OneBusyBackend_NeverPicksIt()
    {
        BackendState[] backends = Pools.Create(4);
        for (int i = 0; i < 50; i++)
        {
            backends[2].OnStarted();
        }

        var policy = new PowerOfTwoPolicy(11);
        var counts = new int[4];
        for (int i = 0; i < 3000; i++)
        {
            counts[policy.Pick(backends, RequestFeatures.Empty)]++;
        }

        // Any pair holding the busy one prefers the other, and pairs are distinct.
        Assert.Equal(0, counts[2]);
        Assert.All([counts[0], counts[1], counts[3]], c => Assert.InRange(c, 800, 1200));
    }

    [Fact]
    public void Pick_HeldRequests_InFlightStaysBalanced()
    {
        BackendState[] backends = Pools.Create(8);
        var balancer = new Balancer(new PowerOfTwoPolicy(5), backends);
        for (int i = 0; i < 800; i++)
        {
            RequestFeatures request = RequestFeatures.Empty;
            Assert.NotNull(balancer.Pick(ref request, out _));
        }

        int max = 0;
        foreach (BackendState backend in backends)
        {
            max = Math.Max(max, backend.InFlight);
        }

        // 100 each on average; two choices keep the maximum within a few of it.
        Assert.InRange(max, 100, 104);
    }
}

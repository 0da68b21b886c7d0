using FastLb.Policy.Baselines;
using FastLb.Policy.Tests.Contract;
using FastLb.Policy.Tests.TestDoubles;

namespace FastLb.Policy.Tests.Baselines;

public sealed class LeastResponseTimePolicyTests : RoutingPolicyContractTests
{
    protected override string ExpectedName => PolicyNames.LeastResponseTime;

    protected override IRoutingPolicy Create(PolicyContext context) => new LeastResponseTimePolicy();

    [Fact]
    public void Pick_SlowBackend_AvoidsIt()
    {
        BackendState[] backends = Pools.Create(3);
        var balancer = new Balancer(new LeastResponseTimePolicy(), backends);
        var counts = new int[3];
        for (int i = 0; i < 1000; i++)
        {
            RequestFeatures request = RequestFeatures.Empty;
            BackendState picked = balancer.Pick(ref request, out BackendLease lease)!;
            counts[request.PickedIndex]++;
            lease.Complete(Pools.Ok(request.PickedIndex == 1 ? 200 : 20 + (i % 3)));
        }

        Assert.InRange(counts[1], 1, 5);
    }

    [Fact]
    public void Pick_FastButLoadedAgainstSlowerIdle_PicksIdle()
    {
        BackendState[] backends = Pools.Create(2);
        var balancer = new Balancer(new LeastResponseTimePolicy(), backends);
        backends[0].OnStarted();
        backends[0].OnEnded(Pools.Ok(10));
        backends[1].OnStarted();
        backends[1].OnEnded(Pools.Ok(25));

        // 10 x (2 + 1) = 30 > 25 x 1: the slower but idle one wins.
        backends[0].OnStarted();
        backends[0].OnStarted();
        RequestFeatures request = RequestFeatures.Empty;
        Assert.Same(backends[1], balancer.Pick(ref request, out BackendLease lease));
    }
}

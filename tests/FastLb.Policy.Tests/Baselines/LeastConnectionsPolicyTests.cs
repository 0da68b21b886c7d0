using FastLb.Policy.Baselines;
using FastLb.Policy.Tests.Contract;
using FastLb.Policy.Tests.TestDoubles;

namespace FastLb.Policy.Tests.Baselines;

public sealed class LeastConnectionsPolicyTests : RoutingPolicyContractTests
{
    protected override string ExpectedName => PolicyNames.LeastConnections;

    protected override IRoutingPolicy Create(PolicyContext context) => new LeastConnectionsPolicy();

    [Fact]
    public void Pick_BackendHoldingLongRequests_AvoidsIt()
    {
        BackendState[] backends = Pools.Create(4);
        var balancer = new Balancer(new LeastConnectionsPolicy(), backends);
        int toSlow = 0;
        for (int i = 0; i < 1000; i++)
        {
            RequestFeatures request = RequestFeatures.Empty;
            BackendState picked = balancer.Pick(ref request, out BackendLease lease)!;
            if (request.PickedIndex == 0)
            {
                // Backend 0 never answers: its requests stay in flight.
                toSlow++;
                continue;
            }

            lease.Complete(Pools.Ok(5));
        }

        Assert.Equal(1, toSlow);
        Assert.Equal(1, backends[0].InFlight);
    }
}

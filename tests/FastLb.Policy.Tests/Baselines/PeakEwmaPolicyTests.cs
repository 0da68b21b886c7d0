using FastLb.Policy.Baselines;
using FastLb.Policy.Tests.Contract;
using FastLb.Policy.Tests.TestDoubles;

namespace FastLb.Policy.Tests.Baselines;

public sealed class PeakEwmaPolicyTests : RoutingPolicyContractTests
{
    protected override string ExpectedName => PolicyNames.PeakEwma;

    protected override IRoutingPolicy Create(PolicyContext context) => new PeakEwmaPolicy(context);

    [Fact]
    public void Pick_SlowBackend_AvoidsIt()
    {
        var time = new ManualTimeProvider();
        BackendState[] backends = Pools.Create(4);
        var balancer = new Balancer(new PeakEwmaPolicy(Pools.Context(4, time)), backends);
        var counts = new int[4];
        for (int i = 0; i < 4000; i++)
        {
            RequestFeatures request = RequestFeatures.Empty;
            BackendState picked = balancer.Pick(ref request, out BackendLease lease)!;
            if (i >= 1000)
            {
                counts[request.PickedIndex]++;
            }

            time.AdvanceMs(1);
            lease.Complete(Pools.Ok(request.PickedIndex == 3 ? 300 : 20));
        }

        // A pair holding the slow one picks the other: only pairs it could win are none.
        Assert.True(counts[3] < 30, $"slow backend got {counts[3]} of 3000");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Pick_SlowBackendRecoveredAndLeftAlone_TriedAgain(bool stamped)
    {
        var time = new ManualTimeProvider();
        BackendState[] backends = Pools.Create(2);
        var policy = new PeakEwmaPolicy(Pools.Context(2, time));
        var balancer = new Balancer(policy, backends);
        for (int i = 0; i < 200; i++)
        {
            RequestFeatures request = RequestFeatures.Empty;
            BackendState picked = balancer.Pick(ref request, out BackendLease lease)!;
            time.AdvanceMs(1);
            lease.Complete(Pools.Ok(request.PickedIndex == 0 ? 500 : 20));
        }

        Assert.Equal(1, policy.Pick(backends, RequestFeatures.Empty));

        // Backend 1 keeps serving at 20 ms; backend 0's estimate decays while it is left alone.
        int toZero = 0;
        for (int i = 0; i < 600; i++)
        {
            RequestFeatures request = RequestFeatures.Empty;
            request.Timestamp = stamped ? time.GetTimestamp() : 0;
            BackendState picked = balancer.Pick(ref request, out BackendLease lease)!;
            toZero += request.PickedIndex == 0 ? 1 : 0;
            time.AdvanceMs(100);
            lease.Complete(Pools.Ok(20));
        }

        Assert.True(toZero > 100, $"recovered backend got {toZero} of 600");
    }

    [Fact]
    public void Report_Failure_CountsAsDeadline()
    {
        var time = new ManualTimeProvider();
        BackendState[] backends = Pools.Create(2);
        var balancer = new Balancer(new PeakEwmaPolicy(Pools.Context(2, time)), backends);
        int failing = 0;
        for (int i = 0; i < 1000; i++)
        {
            RequestFeatures request = RequestFeatures.Empty;
            BackendState picked = balancer.Pick(ref request, out BackendLease lease)!;
            failing += request.PickedIndex == 0 ? 1 : 0;
            time.AdvanceMs(1);
            lease.Complete(request.PickedIndex == 0 ? Pools.Failed(1) : Pools.Ok(20));
        }

        Assert.InRange(failing, 1, 10);
    }
}

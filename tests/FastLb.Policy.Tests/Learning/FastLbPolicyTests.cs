using FastLb.Policy.Learning;
using FastLb.Policy.Tests.Contract;
using FastLb.Policy.Tests.TestDoubles;

namespace FastLb.Policy.Tests.Learning;

/// <summary>fastlb without a model (its peak-EWMA-like fallback), with the contract.</summary>
public sealed class FastLbPolicyTests : RoutingPolicyContractTests
{
    protected override string ExpectedName => PolicyNames.FastLb;

    protected override IRoutingPolicy Create(PolicyContext context) => new FastLbPolicy(context);

    [Fact]
    public void Pick_NoModelSlowBackend_AvoidsIt()
    {
        var time = new ManualTimeProvider();
        BackendState[] backends = Pools.Create(4);
        var policy = new FastLbPolicy(Pools.Context(4, time));
        var balancer = new Balancer(policy, backends);
        int toSlow = 0;
        for (int i = 0; i < 4000; i++)
        {
            RequestFeatures request = RequestFeatures.Empty;
            BackendState picked = balancer.Pick(ref request, out BackendLease lease)!;
            toSlow += i >= 1000 && request.PickedIndex == 3 ? 1 : 0;
            time.AdvanceMs(1);
            lease.Complete(Pools.Ok(request.PickedIndex == 3 ? 300 : 20));
        }

        Assert.False(policy.HasPredictions);
        Assert.True(toSlow < 60, $"slow backend got {toSlow} of 3000");
    }

    [Fact]
    public void Pick_NoModelWithDeadline_NeverSheds()
    {
        // Without a model there is no prediction to shed by: backends answering in 300 ms against a
        // 50 ms deadline, several in flight each, still get every request.
        var time = new ManualTimeProvider();
        BackendState[] backends = Pools.Create(3);
        var policy = new FastLbPolicy(Pools.Context(3, time) with { DeadlineMs = 50 });
        var balancer = new Balancer(policy, backends);
        var open = new List<BackendLease>();
        for (int i = 0; i < 300; i++)
        {
            RequestFeatures request = RequestFeatures.Empty;
            BackendState? picked = balancer.Pick(ref request, out BackendLease lease);
            Assert.NotNull(picked);
            open.Add(lease);
            time.AdvanceMs(1);
            if (open.Count > 9)
            {
                open[0].Complete(Pools.Ok(300));
                open.RemoveAt(0);
            }
        }

        Assert.Equal(0, balancer.Shed);
    }

    [Fact]
    public void Constructor_ChoicesOutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FastLbPolicy(Pools.Context(4), new FastLbOptions { Choices = 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FastLbPolicy(Pools.Context(4), new FastLbOptions { Choices = 5 }));
    }
}

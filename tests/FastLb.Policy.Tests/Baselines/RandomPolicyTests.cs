using FastLb.Policy.Baselines;
using FastLb.Policy.Tests.Contract;
using FastLb.Policy.Tests.TestDoubles;

namespace FastLb.Policy.Tests.Baselines;

public sealed class RandomPolicyTests : RoutingPolicyContractTests
{
    protected override string ExpectedName => PolicyNames.Random;

    protected override IRoutingPolicy Create(PolicyContext context) => new RandomPolicy(context.Seed);

    [Fact]
    public void Pick_ManyRequests_RoughlyUniform()
    {
        BackendState[] backends = Pools.Create(4);
        var policy = new RandomPolicy(7);
        var counts = new int[4];
        for (int i = 0; i < 40_000; i++)
        {
            counts[policy.Pick(backends, RequestFeatures.Empty)]++;
        }

        foreach (int count in counts)
        {
            Assert.InRange(count, 9_400, 10_600);
        }
    }

    [Fact]
    public void Pick_SameSeed_SameSequence()
    {
        BackendState[] backends = Pools.Create(16);
        var first = new RandomPolicy(3);
        var second = new RandomPolicy(3);
        var other = new RandomPolicy(4);
        int differences = 0;
        for (int i = 0; i < 100; i++)
        {
            int a = first.Pick(backends, RequestFeatures.Empty);
            Assert.Equal(a, second.Pick(backends, RequestFeatures.Empty));
            differences += a != other.Pick(backends, RequestFeatures.Empty) ? 1 : 0;
        }

        Assert.True(differences > 50);
    }
}

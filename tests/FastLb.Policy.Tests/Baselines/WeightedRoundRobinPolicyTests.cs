using FastLb.Policy.Baselines;
using FastLb.Policy.Tests.Contract;
using FastLb.Policy.Tests.TestDoubles;

namespace FastLb.Policy.Tests.Baselines;

public sealed class WeightedRoundRobinPolicyTests : RoutingPolicyContractTests
{
    protected override string ExpectedName => PolicyNames.WeightedRoundRobin;

    protected override IRoutingPolicy Create(PolicyContext context) => new WeightedRoundRobinPolicy();

    private static BackendState[] FiveOneOne() => [new BackendState("a", 5), new BackendState("b", 1), new BackendState("c", 1)];

    [Fact]
    public void Pick_Weights511_GivesSmoothNginxSequence()
    {
        BackendState[] backends = FiveOneOne();
        var policy = new WeightedRoundRobinPolicy();
        var names = new string[14];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = backends[policy.Pick(backends, RequestFeatures.Empty)].Id;
        }

        Assert.Equal("a a b a c a a a a b a c a a", string.Join(' ', names));
    }

    [Fact]
    public void Pick_ConsecutivePicksOnDifferentThreads_OneSmoothSequence()
    {
        BackendState[] backends = FiveOneOne();
        var policy = new WeightedRoundRobinPolicy();
        int[] picked = RoundRobinPolicyTests.PickAlternatingThreads(policy, backends, 14);

        Assert.Equal("a a b a c a a a a b a c a a", string.Join(' ', picked.Select(i => backends[i].Id)));
    }

    [Fact]
    public void Pick_Weights511_ExactShares()
    {
        BackendState[] backends = FiveOneOne();
        var policy = new WeightedRoundRobinPolicy();
        var counts = new int[3];
        for (int i = 0; i < 700; i++)
        {
            counts[policy.Pick(backends, RequestFeatures.Empty)]++;
        }

        Assert.Equal([500, 100, 100], counts);
    }

    [Fact]
    public void Pick_HeavyBackendOut_AlternatesTheOthers()
    {
        BackendState[] backends = FiveOneOne();
        var policy = new WeightedRoundRobinPolicy();
        policy.Pick(backends, RequestFeatures.Empty);
        backends[0].SetAvailable(false);
        var counts = new int[3];
        for (int i = 0; i < 100; i++)
        {
            counts[policy.Pick(backends, RequestFeatures.Empty)]++;
        }

        Assert.Equal(0, counts[0]);
        Assert.InRange(counts[1], 45, 55);
    }

    [Fact]
    public void Pick_WeightChanged_NewSharesAfterOnePass()
    {
        BackendState[] backends = FiveOneOne();
        var policy = new WeightedRoundRobinPolicy();
        policy.Pick(backends, RequestFeatures.Empty);
        backends[0].Weight = 1;
        for (int i = 0; i < backends.Length; i++)
        {
            policy.Pick(backends, RequestFeatures.Empty);
        }

        var counts = new int[3];
        for (int i = 0; i < 300; i++)
        {
            counts[policy.Pick(backends, RequestFeatures.Empty)]++;
        }

        Assert.Equal([100, 100, 100], counts);
    }

    [Fact]
    public void Build_HugeWeights_ScheduleStaysBoundedAndProportional()
    {
        BackendState[] backends = [new BackendState("a", 1_000_000), new BackendState("b", 1)];
        WeightedScheduleSnapshot snapshot = WeightedScheduleSnapshot.Build(backends);
        Assert.InRange(snapshot.Schedule.Length, 2, WeightedScheduleSnapshot.MaxLength + 1);
        Assert.Equal(1, snapshot.Schedule.Count(i => i == 1));
    }
}

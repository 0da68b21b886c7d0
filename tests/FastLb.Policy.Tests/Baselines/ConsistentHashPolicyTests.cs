using FastLb.Policy.Baselines;
using FastLb.Policy.Tests.Contract;
using FastLb.Policy.Tests.TestDoubles;

namespace FastLb.Policy.Tests.Baselines;

public sealed class ConsistentHashPolicyTests : RoutingPolicyContractTests
{
    private const int Keys = 10_000;

    protected override string ExpectedName => PolicyNames.ConsistentHash;

    protected override IRoutingPolicy Create(PolicyContext context) => new ConsistentHashPolicy(context.Seed);

    private static RequestFeatures Keyed(int key)
    {
        RequestFeatures request = RequestFeatures.Empty;
        request.HashKey = (ulong)key + 1;
        return request;
    }

    private static string[] Map(IRoutingPolicy policy, BackendState[] backends)
    {
        var map = new string[Keys];
        for (int key = 0; key < Keys; key++)
        {
            map[key] = backends[policy.Pick(backends, Keyed(key))].Id;
        }

        return map;
    }

    [Fact]
    public void Pick_SameKey_SameBackendAndEvenSpread()
    {
        BackendState[] backends = Pools.Create(10);
        var policy = new ConsistentHashPolicy(1);
        string[] first = Map(policy, backends);
        Assert.Equal(first, Map(policy, backends));
        foreach (BackendState backend in backends)
        {
            Assert.InRange(first.Count(id => id == backend.Id), 700, 1300);
        }
    }

    [Fact]
    public void Pick_OneOfTenRemoved_OnlyItsKeysMove()
    {
        BackendState[] backends = Pools.Create(10);
        string[] before = Map(new ConsistentHashPolicy(1), backends);
        BackendState[] nine = [.. backends.Where(b => b.Id != "b3")];
        string[] after = Map(new ConsistentHashPolicy(2), nine);
        int moved = 0;
        for (int key = 0; key < Keys; key++)
        {
            if (before[key] != after[key])
            {
                moved++;
                Assert.Equal("b3", before[key]);
            }
        }

        Assert.InRange(moved, 700, 1300);
    }

    [Fact]
    public void Pick_OneOfTenUnavailable_OnlyItsKeysMoveAndReturn()
    {
        BackendState[] backends = Pools.Create(10);
        var policy = new ConsistentHashPolicy(1);
        string[] before = Map(policy, backends);
        backends[7].SetAvailable(false);
        string[] during = Map(policy, backends);
        backends[7].SetAvailable(true);
        string[] after = Map(policy, backends);
        int moved = 0;
        for (int key = 0; key < Keys; key++)
        {
            if (before[key] != during[key])
            {
                moved++;
                Assert.Equal("b7", before[key]);
            }
        }

        Assert.InRange(moved, 700, 1300);
        Assert.Equal(before, after);
    }

    [Fact]
    public void Pick_HotKey_BoundedLoadSpillsOver()
    {
        BackendState[] backends = Pools.Create(10);
        var balancer = new Balancer(new ConsistentHashPolicy(1), backends);
        RequestFeatures first = Keyed(42);
        BackendState home = balancer.Pick(ref first, out _)!;
        for (int i = 1; i < 1000; i++)
        {
            RequestFeatures request = Keyed(42);
            Assert.NotNull(balancer.Pick(ref request, out _));
        }

        // Every backend stays within ceil(1.25 x 1000 / 10) = 125, the home one is full.
        foreach (BackendState backend in backends)
        {
            Assert.InRange(backend.InFlight, 0, 125);
        }

        Assert.InRange(home.InFlight, 120, 125);
    }
}

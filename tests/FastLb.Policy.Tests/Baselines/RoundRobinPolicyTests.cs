using FastLb.Policy.Baselines;
using FastLb.Policy.Tests.Contract;

namespace FastLb.Policy.Tests.Baselines;

public sealed class RoundRobinPolicyTests : RoutingPolicyContractTests
{
    protected override string ExpectedName => PolicyNames.RoundRobin;

    protected override IRoutingPolicy Create(PolicyContext context) => new RoundRobinPolicy();

    [Fact]
    public void Pick_ManyRequests_SpreadsEvenly()
    {
        var backends = new[] { new BackendState("a"), new BackendState("b"), new BackendState("c") };
        var policy = new RoundRobinPolicy();
        var counts = new int[3];
        var request = RequestFeatures.Empty;
        for (int i = 0; i < 300; i++)
        {
            counts[policy.Pick(backends, request)]++;
        }

        Assert.Equal([100, 100, 100], counts);
    }

    [Fact]
    public void Pick_UnavailableAndExcluded_SkipsThem()
    {
        var backends = new[] { new BackendState("a"), new BackendState("b"), new BackendState("c") };
        backends[1].SetAvailable(false);
        var policy = new RoundRobinPolicy();
        var request = RequestFeatures.Empty;
        request.ExcludeIndex = 2;
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(0, policy.Pick(backends, request));
        }

        backends[0].SetAvailable(false);
        Assert.Equal(-1, policy.Pick(backends, request));
    }
}

using FastLb.Policy.Baselines;
using FastLb.Policy.Tests.Contract;
using FastLb.Policy.Tests.TestDoubles;

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
    public void Pick_ConsecutivePicksOnDifferentThreads_OneRotation()
    {
        // The proxy serves consecutive requests on different pool threads: the rotation must be the pool's, not each thread's.
        var backends = new[] { new BackendState("a"), new BackendState("b"), new BackendState("c") };
        var policy = new RoundRobinPolicy();
        int[] picked = PickAlternatingThreads(policy, backends, 12);

        Assert.Equal([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2], picked);
    }

    /// <summary>Picks <paramref name="count"/> times, one after another, every other pick on a new thread.</summary>
    internal static int[] PickAlternatingThreads(IRoutingPolicy policy, BackendState[] backends, int count)
    {
        var picked = new int[count];
        for (int i = 0; i < count; i++)
        {
            if (i % 2 == 0)
            {
                picked[i] = policy.Pick(backends, RequestFeatures.Empty);
                continue;
            }

            int index = i;
            var thread = new Thread(() => picked[index] = policy.Pick(backends, RequestFeatures.Empty));
            thread.Start();
            thread.Join();
        }

        return picked;
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

using FastLb.Policy.Baselines;
using FastLb.Policy.Tests.Contract;
using FastLb.Policy.Tests.TestDoubles;

namespace FastLb.Policy.Tests.Baselines;

public sealed class PrequalPolicyTests : RoutingPolicyContractTests
{
    protected override string ExpectedName => PolicyNames.Prequal;

    protected override IRoutingPolicy Create(PolicyContext context) => new PrequalPolicy(context.Seed);

    private static void Load(BackendState backend, int inFlight, double latencyMs)
    {
        backend.OnStarted();
        backend.OnEnded(Pools.Ok(latencyMs));
        for (int i = 0; i < inFlight; i++)
        {
            backend.OnStarted();
        }
    }

    [Fact]
    public void ComputeThreshold_Pool_Is084QuantileOfInFlight()
    {
        BackendState[] backends = Pools.Create(10);
        for (int i = 0; i < 10; i++)
        {
            Load(backends[i], i, 10);
        }

        // Position 0.84 x 9 = 7.56 between the order statistics 7 and 8.
        Assert.Equal(7.56, PrequalPolicy.ComputeThreshold(backends), 9);
    }

    [Fact]
    public void Pick_HotFastBackend_LosesToColdSlowerOne()
    {
        BackendState[] backends = Pools.Create(3);
        Load(backends[0], 0, 50);
        Load(backends[1], 0, 40);
        Load(backends[2], 20, 5);
        var policy = new PrequalPolicy(9);
        for (int i = 0; i < 300; i++)
        {
            // The sample of 3 holds all of them: backend 2 is fastest but hot, 1 is the fastest cold.
            Assert.Equal(1, policy.Pick(backends, RequestFeatures.Empty));
        }
    }

    [Fact]
    public void Pick_AllHot_LowestInFlight()
    {
        BackendState[] backends = Pools.Create(3);
        Load(backends[0], 9, 5);
        Load(backends[1], 7, 50);
        Load(backends[2], 8, 5);
        var policy = new PrequalPolicy(9);
        policy.Pick(backends, RequestFeatures.Empty);

        // Threshold is 8.68 (the quantile of 7, 8, 9); make all three exceed it.
        for (int i = 0; i < 5; i++)
        {
            backends[0].OnStarted();
            backends[1].OnStarted();
            backends[2].OnStarted();
        }

        Assert.Equal(8.68, policy.HotThreshold, 9);
        Assert.Equal(1, policy.Pick(backends, RequestFeatures.Empty));
    }

    [Fact]
    public void Select_RandomArrays_KthIsSortedKthAndNothingSmallerAfter()
    {
        var random = new Random(5);
        for (int round = 0; round < 2000; round++)
        {
            int[] values = new int[random.Next(1, 40)];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = random.Next(0, 6);
            }

            int[] sorted = (int[])values.Clone();
            Array.Sort(sorted);
            int k = random.Next(values.Length);
            PrequalPolicy.Select(values, k);
            Assert.Equal(sorted[k], values[k]);
            for (int i = k + 1; i < values.Length; i++)
            {
                Assert.True(values[i] >= values[k]);
            }

            for (int i = 0; i < k; i++)
            {
                Assert.True(values[i] <= values[k]);
            }
        }
    }
}

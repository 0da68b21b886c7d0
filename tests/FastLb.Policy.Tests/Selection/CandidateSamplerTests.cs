using FastLb.Policy.Selection;
using FastLb.Policy.Tests.TestDoubles;

namespace FastLb.Policy.Tests.Selection;

public sealed class CandidateSamplerTests
{
    [Fact]
    public void PickTwo_ManyDraws_DistinctEligibleAndAllPairsSeen()
    {
        BackendState[] backends = Pools.Create(5);
        backends[2].SetAvailable(false);
        var random = new SplitMix64Random(1);
        var pairs = new HashSet<(int, int)>();
        for (int i = 0; i < 2000; i++)
        {
            int first = CandidateSampler.PickTwo(backends, 4, random, out int second);
            Assert.NotEqual(first, second);
            Assert.DoesNotContain(first, new[] { 2, 4 });
            Assert.DoesNotContain(second, new[] { 2, 4 });
            pairs.Add((Math.Min(first, second), Math.Max(first, second)));
        }

        Assert.Equal(3, pairs.Count);
    }

    [Fact]
    public void PickTwo_OneEligible_SecondIsMinusOne()
    {
        BackendState[] backends = Pools.Create(3);
        backends[0].SetAvailable(false);
        backends[2].SetAvailable(false);
        int first = CandidateSampler.PickTwo(backends, -1, new SplitMix64Random(2), out int second);
        Assert.Equal(1, first);
        Assert.Equal(-1, second);
    }

    [Theory]
    [InlineData(1, 3, 1)]
    [InlineData(3, 3, 3)]
    [InlineData(64, 4, 4)]
    public void Sample_Pool_DistinctEligibleUpToSize(int count, int size, int expected)
    {
        BackendState[] backends = Pools.Create(count);
        var random = new SplitMix64Random(3);
        Span<int> picked = stackalloc int[size];
        for (int i = 0; i < 500; i++)
        {
            int found = CandidateSampler.Sample(backends, -1, random, picked);
            Assert.Equal(expected, found);
            for (int a = 0; a < found; a++)
            {
                for (int b = a + 1; b < found; b++)
                {
                    Assert.NotEqual(picked[a], picked[b]);
                }
            }
        }
    }

    [Fact]
    public void Sample_MostUnavailable_FindsTheRestByScan()
    {
        BackendState[] backends = Pools.Create(64);
        foreach (BackendState backend in backends)
        {
            backend.SetAvailable(false);
        }

        backends[10].SetAvailable(true);
        backends[50].SetAvailable(true);
        Span<int> picked = stackalloc int[3];
        int found = CandidateSampler.Sample(backends, -1, new SplitMix64Random(4), picked);
        Assert.Equal(2, found);
        Assert.Equal(60, picked[0] + picked[1]);
    }
}

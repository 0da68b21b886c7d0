using FastLb.Policy.Selection;

namespace FastLb.Policy.Tests.Selection;

public sealed class SplitMix64RandomTests
{
    [Fact]
    public void NextUInt64_FourThreads_NoValueTwice()
    {
        var random = new SplitMix64Random(9);
        const int PerThread = 50_000;
        var values = new ulong[4][];
        var threads = new Thread[4];
        for (int t = 0; t < threads.Length; t++)
        {
            int slot = t;
            values[slot] = new ulong[PerThread];
            threads[t] = new Thread(() =>
            {
                for (int i = 0; i < PerThread; i++)
                {
                    values[slot][i] = random.NextUInt64();
                }
            });
            threads[t].Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        var seen = new HashSet<ulong>();
        foreach (ulong[] chunk in values)
        {
            foreach (ulong value in chunk)
            {
                Assert.True(seen.Add(value));
            }
        }
    }

    [Fact]
    public void NextInt_ManyDraws_InRangeAndSpread()
    {
        var random = new SplitMix64Random(10);
        var counts = new int[7];
        for (int i = 0; i < 70_000; i++)
        {
            counts[random.NextInt(7)]++;
        }

        Assert.All(counts, c => Assert.InRange(c, 9_500, 10_500));
    }

    [Fact]
    public void NextDouble_ManyDraws_InUnitInterval()
    {
        var random = new SplitMix64Random(11);
        double sum = 0;
        for (int i = 0; i < 10_000; i++)
        {
            double value = random.NextDouble();
            Assert.InRange(value, 0, 0.9999999999);
            sum += value;
        }

        Assert.InRange(sum / 10_000, 0.49, 0.51);
    }
}

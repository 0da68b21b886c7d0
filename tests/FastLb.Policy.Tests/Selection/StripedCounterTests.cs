using FastLb.Policy.Selection;

namespace FastLb.Policy.Tests.Selection;

public sealed class StripedCounterTests
{
    [Fact]
    public void Add_OneThread_ValueIsTheSum()
    {
        var counter = new StripedCounter();
        counter.Add(1);
        counter.Add(1);
        counter.Add(-1);
        Assert.Equal(1, counter.Value);
    }

    [Fact]
    public void Add_FourThreadsAddAndSubtract_EndsAtZeroAndCountsWhatIsLeft()
    {
        var counter = new StripedCounter();
        counter.Add(5);
        var threads = new Thread[4];
        for (int t = 0; t < threads.Length; t++)
        {
            threads[t] = new Thread(() =>
            {
                for (int i = 0; i < 50_000; i++)
                {
                    counter.Add(1);
                    counter.Add(-1);
                }

                counter.Add(1);
            });
            threads[t].Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        Assert.Equal(9, counter.Value);
    }
}

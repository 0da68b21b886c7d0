
namespace FastLb.Simulation.Tests;

public sealed class EventQueueTests
{
    [Fact]
    public void Pop_RandomTimes_ComeOutSortedWithTiesInInsertionOrder()
    {
        var queue = new EventQueue();
        var random = new SimRandom(1);
        for (int i = 0; i < 10_000; i++)
        {
            // Few distinct times, so ties are common.
            queue.Push(random.NextInt(100), SimEventKind.Timer, i);
        }

        SimEvent previous = queue.Pop();
        while (queue.Count > 0)
        {
            SimEvent next = queue.Pop();
            Assert.True(next.Time > previous.Time || (next.Time == previous.Time && next.A > previous.A));
            previous = next;
        }

        Assert.Equal(double.PositiveInfinity, queue.PeekTime);
    }
}

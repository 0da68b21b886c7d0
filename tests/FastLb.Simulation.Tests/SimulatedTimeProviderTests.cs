
namespace FastLb.Simulation.Tests;

public sealed class SimulatedTimeProviderTests
{
    private static void RunUntil(EventQueue events, SimulatedTimeProvider clock, double seconds)
    {
        while (events.Count > 0 && events.PeekTime <= seconds)
        {
            SimEvent next = events.Pop();
            clock.Advance(next.Time);
            clock.Fire(next.A, next.B);
        }

        clock.Advance(seconds);
    }

    [Fact]
    public void CreateTimer_Periodic_FiresAtSimulatedTimes()
    {
        var events = new EventQueue();
        var clock = new SimulatedTimeProvider(events);
        var fired = new List<double>();
        using ITimer timer = clock.CreateTimer(_ => fired.Add(clock.NowSeconds), null, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1));

        RunUntil(events, clock, 3.6);

        Assert.Equal([0.5, 1.5, 2.5, 3.5], fired);
        Assert.Equal(3_600_000_000, clock.GetTimestamp());
        Assert.Equal(TimeSpan.FromSeconds(3.6), clock.GetElapsedTime(0));
    }

    [Fact]
    public void Change_And_Dispose_CancelQueuedFirings()
    {
        var events = new EventQueue();
        var clock = new SimulatedTimeProvider(events);
        int fired = 0;
        ITimer timer = clock.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        timer.Change(TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan);

        RunUntil(events, clock, 4);
        Assert.Equal(0, fired);
        RunUntil(events, clock, 6);
        Assert.Equal(1, fired);

        timer.Change(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        timer.Dispose();
        RunUntil(events, clock, 20);
        Assert.Equal(1, fired);
        Assert.False(timer.Change(TimeSpan.Zero, TimeSpan.Zero));
    }
}

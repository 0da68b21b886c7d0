using FastLb.Proxy.Configuration;
using FastLb.Proxy.Edge;

namespace FastLb.Proxy.Tests.Edge;

public sealed class ClientBucketTableTests
{
    private const long Second = 1_000_000;

    [Fact]
    public void TryTake_OneClientSpent_OthersKeepTheirOwnBuckets()
    {
        var table = new ClientBucketTable(new TokenBucketConfig(1, 2), 1024);
        long now = Second;
        Assert.True(table.TryTake(11, now, out _));
        Assert.True(table.TryTake(11, now, out _));
        Assert.False(table.TryTake(11, now, out long wait));
        Assert.Equal(Second, wait);

        for (ulong client = 100; client < 200; client++)
        {
            Assert.True(table.TryTake(client, now, out _), $"client {client}");
        }

        Assert.False(table.TryTake(11, now, out _));
        Assert.Equal(0, table.TokensOf(11, now), 6);
        Assert.Equal(1, table.TokensOf(150, now), 6);
    }

    [Fact]
    public void TryTake_ManyMoreClientsThanSlots_MemoryStaysAndNoClientGetsMoreThanItsBurst()
    {
        // 64 slots, 100,000 addresses, each trying three times at the same instant with a burst of 2:
        // whatever the collisions, no address gets a third request through.
        var table = new ClientBucketTable(new TokenBucketConfig(1, 2), 64);
        var random = new Random(7);
        long now = Second;
        int allowedTotal = 0;
        for (int c = 0; c < 100_000; c++)
        {
            ulong client = (ulong)random.NextInt64();
            int allowed = 0;
            for (int i = 0; i < 3; i++)
            {
                allowed += table.TryTake(client, now, out _) ? 1 : 0;
            }

            Assert.True(allowed <= 2, $"client {c} got {allowed}");
            allowedTotal += allowed;
        }

        Assert.Equal(64, table.Slots);
        // At one instant the table can hand out at most its buckets' tokens: 64 slots x 2.
        Assert.True(allowedTotal <= 128, $"{allowedTotal} allowed");
    }

    [Fact]
    public void TryTake_IdleSlotOfAnotherClient_TakenOverWithAFullBucket()
    {
        // 4 slots: one set. Four clients fill it; once their buckets are full again (idle), a fifth
        // client takes a slot and gets its whole burst.
        var table = new ClientBucketTable(new TokenBucketConfig(1, 3), 4);
        long now = Second;
        for (ulong client = 1; client <= 4; client++)
        {
            Assert.True(table.TryTake(client, now, out _));
        }

        now += 2 * Second;
        for (int i = 0; i < 3; i++)
        {
            Assert.True(table.TryTake(5, now, out _));
        }

        Assert.False(table.TryTake(5, now, out _));
    }

    [Fact]
    public void TryTake_ConcurrentTakersOnOneClient_ExactlyTheBurstSucceeds()
    {
        var table = new ClientBucketTable(new TokenBucketConfig(1, 1000), 64);
        long now = Second;
        int allowed = 0;
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            for (int i = 0; i < 1000; i++)
            {
                if (table.TryTake(42, now, out _))
                {
                    Interlocked.Increment(ref allowed);
                }
            }
        });

        Assert.Equal(1000, allowed);
    }

    [Fact]
    public void SharedBucket_ConcurrentTakers_ExactlyTheBurstSucceeds()
    {
        var bucket = new SharedBucket(new TokenBucketConfig(1, 500));
        int allowed = 0;
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            for (int i = 0; i < 1000; i++)
            {
                if (bucket.TryTake(Second, out _))
                {
                    Interlocked.Increment(ref allowed);
                }
            }
        });

        Assert.Equal(500, allowed);
    }
}

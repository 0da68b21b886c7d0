namespace FastLb.Policy.Tests.Selection;

/// <summary>Runs a generator from several threads at once and checks that no value came out twice.</summary>
internal static class ConcurrentDraws
{
    /// <summary>Calls <paramref name="next"/> <paramref name="perThread"/> times on each of <paramref name="threads"/> threads and asserts that every value is distinct.</summary>
    public static void AssertAllDistinct(Func<ulong> next, int threads = 4, int perThread = 50_000)
    {
        var values = new ulong[threads][];
        var workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            int slot = t;
            values[slot] = new ulong[perThread];
            workers[t] = new Thread(() =>
            {
                for (int i = 0; i < perThread; i++)
                {
                    values[slot][i] = next();
                }
            });
            workers[t].Start();
        }

        foreach (Thread worker in workers)
        {
            worker.Join();
        }

        var seen = new HashSet<ulong>();
        foreach (ulong[] chunk in values)
        {
            foreach (ulong value in chunk)
            {
                Assert.True(seen.Add(value), $"{value} drawn twice");
            }
        }
    }
}

namespace FastLb.Proxy.Metrics;

/// <summary>A Prometheus histogram of request latency, 1 ms to 10 s, updated with atomics only.</summary>
internal sealed class LatencyHistogram
{
    /// <summary>Upper bounds in seconds (the <c>le</c> labels), +Inf implied.</summary>
    public static readonly double[] BoundsSeconds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>The <c>le</c> label of each bound, formatted once.</summary>
    public static readonly string[] BoundLabels = Array.ConvertAll(BoundsSeconds, b => b.ToString("R", System.Globalization.CultureInfo.InvariantCulture));

    // Non-cumulative counts per bucket (the last is +Inf); cumulated when written, so an
    // observation costs one interlocked increment rather than one per bucket.
    private readonly long[] _buckets = new long[BoundsSeconds.Length + 1];
    private long _count;
    private long _sumMicroseconds;

    /// <summary>Records one observation.</summary>
    /// <remarks>Hot path: guarded by ProxyRelayBenchmarks. Three interlocked adds, no lock.</remarks>
    public void Observe(double milliseconds)
    {
        double seconds = milliseconds / 1000.0;
        int bucket = 0;
        while (bucket < BoundsSeconds.Length && seconds > BoundsSeconds[bucket])
        {
            bucket++;
        }

        Interlocked.Increment(ref _buckets[bucket]);
        Interlocked.Add(ref _sumMicroseconds, (long)(milliseconds * 1000));
        Interlocked.Increment(ref _count);
    }

    /// <summary>Cumulative count of observations up to each bound, then +Inf; sum in seconds; total count.</summary>
    public (long[] Cumulative, double SumSeconds, long Count) Read()
    {
        var cumulative = new long[_buckets.Length];
        long running = 0;
        for (int i = 0; i < _buckets.Length; i++)
        {
            running += Volatile.Read(ref _buckets[i]);
            cumulative[i] = running;
        }

        // The count is taken as the +Inf bucket so the exposition is consistent even while
        // observations land between the reads above.
        return (cumulative, Volatile.Read(ref _sumMicroseconds) / 1e6, running);
    }
}

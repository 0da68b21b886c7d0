using System.Runtime.CompilerServices;
using FastLb.Policy.Selection;

namespace FastLb.Policy.Baselines;

/// <summary><c>prequal</c>: the hot-cold lexicographic rule of Prequal over a few sampled backends.</summary>
/// <remarks>
/// <see cref="SampleSize"/> distinct random available backends are sampled. One is hot when its
/// in-flight count is above the <see cref="HotQuantile"/> quantile of in-flight over the pool; the
/// pick is the cold one with the lowest EWMA latency, else (all hot) the one with the fewest in
/// flight. The quantile is recomputed every <see cref="ThresholdPeriod"/> picks by the one pick that
/// wins a flag (a selection in a stack buffer, over at most <see cref="MaxQuantileSample"/>
/// backends), so a pick pays for it only once in a while.
/// </remarks>
public sealed class PrequalPolicy : IRoutingPolicy
{
    /// <summary>Candidates sampled per pick.</summary>
    public const int SampleSize = 3;

    /// <summary>In-flight above this quantile of the pool makes a backend hot (the suite's prequal, docs/SCENARIOS.md).</summary>
    public const double HotQuantile = 0.84;

    /// <summary>Picks between recomputations of the hot threshold.</summary>
    public const int ThresholdPeriod = 32;

    /// <summary>Most backends read to compute the quantile; larger pools are read with a stride.</summary>
    public const int MaxQuantileSample = 128;

    private readonly SplitMix64Random _random;
    private double _hotThreshold = double.MaxValue;
    private readonly TurnCounter _turns = new();
    private int _computing;

    /// <summary>Creates the policy with its own generator.</summary>
    public PrequalPolicy(ulong seed) => _random = new SplitMix64Random(seed);

    /// <inheritdoc />
    public string Name => PolicyNames.Prequal;

    /// <summary>The in-flight count above which a backend is hot, as last computed.</summary>
    internal double HotThreshold => Volatile.Read(ref _hotThreshold);

    /// <inheritdoc />
    // Hot path: guarded by PolicyBenchmarks. SkipLocalsInit: the sample buffer is written before read.
    [SkipLocalsInit]
    public int Pick(ReadOnlySpan<BackendState> backends, in RequestFeatures request, ref PickNote note)
    {
        if ((_turns.Next() & (ThresholdPeriod - 1)) == 0)
        {
            UpdateThreshold(backends);
        }

        Span<int> sample = stackalloc int[SampleSize];
        int found = CandidateSampler.Sample(backends, request.ExcludeIndex, _random, sample);
        if (found <= 1)
        {
            return found == 1 ? sample[0] : IRoutingPolicy.NoBackend;
        }

        double threshold = Volatile.Read(ref _hotThreshold);
        int bestCold = -1;
        double bestLatency = double.MaxValue;
        int bestHot = -1;
        int bestInFlight = int.MaxValue;
        for (int i = 0; i < found; i++)
        {
            int index = sample[i];
            BackendState backend = backends[index];
            int inFlight = backend.InFlight;
            if (inFlight <= threshold)
            {
                double latency = backend.EwmaLatencyMs;
                if (latency < bestLatency)
                {
                    bestCold = index;
                    bestLatency = latency;
                }
            }
            else if (inFlight < bestInFlight)
            {
                bestHot = index;
                bestInFlight = inFlight;
            }
        }

        return bestCold >= 0 ? bestCold : bestHot;
    }

    /// <inheritdoc />
    public void Report(BackendState backend, in RequestFeatures request, in PickNote note, in RequestOutcome outcome)
    {
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void UpdateThreshold(ReadOnlySpan<BackendState> backends)
    {
        if (Interlocked.CompareExchange(ref _computing, 1, 0) != 0)
        {
            return;
        }

        try
        {
            Volatile.Write(ref _hotThreshold, ComputeThreshold(backends));
        }
        finally
        {
            Volatile.Write(ref _computing, 0);
        }
    }

    /// <summary>The <see cref="HotQuantile"/> quantile of in-flight over the available backends.</summary>
    /// <remarks>Interpolated between order statistics rather than nearest rank: in a pool of three,
    /// the nearest-rank 0.84 quantile is the maximum, and nothing could ever be hot.</remarks>
    internal static double ComputeThreshold(ReadOnlySpan<BackendState> backends)
    {
        Span<int> values = stackalloc int[MaxQuantileSample];
        int stride = ((backends.Length - 1) / MaxQuantileSample) + 1;
        int count = 0;
        for (int i = 0; i < backends.Length && count < values.Length; i += stride)
        {
            BackendState backend = backends[i];
            if (backend.IsAvailable)
            {
                values[count++] = backend.InFlight;
            }
        }

        if (count == 0)
        {
            return double.MaxValue;
        }

        // Only two order statistics are needed: a selection puts the below-th in place with
        // nothing smaller after it, and the next one is the least of the rest. Same values as a
        // full sort, in linear expected time rather than n log n.
        values = values[..count];
        double position = HotQuantile * (count - 1);
        int below = (int)position;
        Select(values, below);
        int low = values[below];
        int high = low;
        if (below + 1 < count)
        {
            high = int.MaxValue;
            foreach (int value in values[(below + 1)..])
            {
                high = Math.Min(high, value);
            }
        }

        return low + ((position - below) * (high - low));
    }

    /// <summary>Reorders <paramref name="values"/> so that values[k] is the k-th smallest, none after it smaller (Hoare's quickselect, middle pivot).</summary>
    internal static void Select(Span<int> values, int k)
    {
        int left = 0;
        int right = values.Length - 1;
        while (left < right)
        {
            int pivot = values[left + ((right - left) >> 1)];
            int i = left;
            int j = right;
            while (i <= j)
            {
                while (values[i] < pivot)
                {
                    i++;
                }

                while (values[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }

            // Now left..j <= pivot, i..right >= pivot, and anything between equals the pivot.
            if (k <= j)
            {
                right = j;
            }
            else if (k >= i)
            {
                left = i;
            }
            else
            {
                return;
            }
        }
    }
}

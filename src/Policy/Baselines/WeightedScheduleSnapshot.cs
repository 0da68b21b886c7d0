namespace FastLb.Policy.Baselines;

/// <summary>An immutable smooth weighted round-robin schedule for one set of backends, weights and availability.</summary>
/// <remarks>
/// Built with nginx's smooth algorithm (each step: every backend gains its weight, the highest
/// current value is picked and loses the total), so 5:1:1 gives a a b a c a a rather than the
/// burst a a a a a b c. Weights are first divided by their greatest common divisor and, when
/// their sum is still over <see cref="MaxLength"/>, scaled down (each kept at least 1), so the
/// schedule stays small enough to rebuild quickly.
/// </remarks>
internal sealed class WeightedScheduleSnapshot
{
    /// <summary>Longest schedule built; larger weight sums are scaled down to it.</summary>
    public const int MaxLength = 4096;

    private WeightedScheduleSnapshot(BackendState[] backends, int[] weights, bool[] available, int[] schedule)
    {
        Backends = backends;
        Weights = weights;
        Available = available;
        Schedule = schedule;
    }

    /// <summary>The backends the schedule was built for, by position.</summary>
    public BackendState[] Backends { get; }

    /// <summary>Their weights when it was built.</summary>
    public int[] Weights { get; }

    /// <summary>Their availability when it was built.</summary>
    public bool[] Available { get; }

    /// <summary>Backend positions in smooth order; empty when no backend was available.</summary>
    public int[] Schedule { get; }

    /// <summary>True when position <paramref name="index"/> still holds the same backend, weight and availability.</summary>
    public bool Matches(ReadOnlySpan<BackendState> backends, int index)
    {
        BackendState backend = backends[index];
        return ReferenceEquals(Backends[index], backend)
            && Weights[index] == backend.Weight
            && Available[index] == backend.IsAvailable;
    }

    /// <summary>Builds the schedule for the backends as they are now.</summary>
    public static WeightedScheduleSnapshot Build(ReadOnlySpan<BackendState> backends)
    {
        int count = backends.Length;
        var copy = backends.ToArray();
        var weights = new int[count];
        var available = new bool[count];
        var effective = new long[count];
        long total = 0;
        long divisor = 0;
        for (int i = 0; i < count; i++)
        {
            weights[i] = copy[i].Weight;
            available[i] = copy[i].IsAvailable;
            if (available[i])
            {
                effective[i] = weights[i];
                total += weights[i];
                divisor = Gcd(divisor, weights[i]);
            }
        }

        if (total == 0)
        {
            return new WeightedScheduleSnapshot(copy, weights, available, []);
        }

        total = 0;
        for (int i = 0; i < count; i++)
        {
            effective[i] /= divisor;
            total += effective[i];
        }

        if (total > MaxLength)
        {
            long scaled = 0;
            for (int i = 0; i < count; i++)
            {
                if (effective[i] > 0)
                {
                    effective[i] = Math.Max(1, effective[i] * MaxLength / total);
                    scaled += effective[i];
                }
            }

            total = scaled;
        }

        var schedule = new int[total];
        var current = new long[count];
        for (int step = 0; step < schedule.Length; step++)
        {
            int best = -1;
            for (int i = 0; i < count; i++)
            {
                if (effective[i] == 0)
                {
                    continue;
                }

                current[i] += effective[i];
                if (best < 0 || current[i] > current[best])
                {
                    best = i;
                }
            }

            current[best] -= total;
            schedule[step] = best;
        }

        return new WeightedScheduleSnapshot(copy, weights, available, schedule);
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}

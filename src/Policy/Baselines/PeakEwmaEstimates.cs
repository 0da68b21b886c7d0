using FastLb.Policy.Selection;

namespace FastLb.Policy.Baselines;

/// <summary>Peak-sensitive EWMA latency per backend position, updated lock-free; shared by peak_ewma and fastlb.</summary>
/// <remarks>
/// Two arrays, estimate and time of last sample, rather than one locked record. A report first
/// swaps in its own timestamp (<see cref="Interlocked.Exchange(ref long, long)"/>), so two
/// concurrent reports split the elapsed time between them instead of both using all of it, then
/// folds its sample into the estimate with a compare-and-swap loop, so no sample is lost. A reader
/// may see the new timestamp with the old estimate for an instant: that decays the old estimate
/// a little less than it should, a bounded and self-correcting error.
/// </remarks>
internal sealed class PeakEwmaEstimates
{
    private readonly BackendSlots _slots;
    private readonly double[] _estimateMs;
    private readonly long[] _stamp;
    private readonly double _initialMs;
    private readonly double _ticksPerDecay;

    /// <summary>Creates estimates for <paramref name="capacity"/> positions, all at <paramref name="initialMs"/> as of now.</summary>
    public PeakEwmaEstimates(int capacity, TimeProvider time, double initialMs, double decaySeconds)
    {
        _slots = new BackendSlots(Math.Max(capacity, 1));
        _estimateMs = new double[_slots.Capacity];
        _stamp = new long[_slots.Capacity];
        _initialMs = initialMs;
        _ticksPerDecay = decaySeconds * time.TimestampFrequency;
        long now = time.GetTimestamp();
        Array.Fill(_estimateMs, initialMs);
        Array.Fill(_stamp, now);
    }

    /// <summary>Where reported backends are found again.</summary>
    public BackendSlots Slots => _slots;

    /// <summary>The decayed estimate of the backend at <paramref name="index"/>, in ms.</summary>
    public double LatencyMs(int index, BackendState backend, long now)
    {
        if ((uint)index >= (uint)_estimateMs.Length)
        {
            return _initialMs;
        }

        _slots.Note(index, backend);
        double estimate = Volatile.Read(ref _estimateMs[index]);
        long elapsed = now - Volatile.Read(ref _stamp[index]);
        return estimate * Decay.Factor(elapsed / _ticksPerDecay);
    }

    /// <summary>Estimate x (in-flight + 1): how long a new request would take there.</summary>
    public double Cost(int index, BackendState backend, long now) => LatencyMs(index, backend, now) * (backend.InFlight + 1);

    /// <summary>Folds one latency sample of <paramref name="backend"/> into its estimate.</summary>
    public void Observe(BackendState backend, int hint, double latencyMs, long now)
    {
        int index = _slots.IndexOf(backend, hint);
        if (index >= 0)
        {
            ObserveAt(index, latencyMs, now);
        }
    }

    /// <summary>Folds one latency sample into the estimate of position <paramref name="index"/>.</summary>
    public void ObserveAt(int index, double latencyMs, long now)
    {
        long previous = Interlocked.Exchange(ref _stamp[index], now);
        double keep = Decay.Factor((now - previous) / _ticksPerDecay);
        ref double location = ref _estimateMs[index];
        double current = Volatile.Read(ref location);
        while (true)
        {
            double decayed = current * keep;
            double next = latencyMs > decayed ? latencyMs : decayed + (latencyMs * (1 - keep));
            double seen = Interlocked.CompareExchange(ref location, next, current);
            if (seen.Equals(current))
            {
                return;
            }

            current = seen;
        }
    }
}

using System.Runtime.InteropServices;
using FastLb.Policy.Selection;

namespace FastLb.Policy.Baselines;

/// <summary>Peak-sensitive EWMA latency per backend position, updated lock-free; shared by peak_ewma and fastlb.</summary>
/// <remarks>
/// An estimate and a time of last sample per position, rather than one locked record. A report first
/// swaps in its own timestamp (<see cref="Interlocked.Exchange(ref long, long)"/>), so two
/// concurrent reports split the elapsed time between them instead of both using all of it, then
/// folds its sample into the estimate with a compare-and-swap loop, so no sample is lost. A reader
/// may see the new timestamp with the old estimate for an instant: that decays the old estimate
/// a little less than it should, a bounded and self-correcting error.
/// Each position's estimate and timestamp share one 128 B entry of their own (the pair at its
/// second half, away from the array's length): a report on one core rewrites only its backend's
/// line, never a line that holds other backends' values, which a pick on the other core reads.
/// </remarks>
internal sealed class PeakEwmaEstimates
{
    private readonly BackendSlots _slots;
    private readonly Entry[] _entries;
    private readonly double _initialMs;
    private readonly double _decayPerTick;

    /// <summary>Creates estimates for <paramref name="capacity"/> positions, all at <paramref name="initialMs"/> as of now.</summary>
    public PeakEwmaEstimates(int capacity, TimeProvider time, double initialMs, double decaySeconds)
    {
        _slots = new BackendSlots(Math.Max(capacity, 1));
        _entries = new Entry[_slots.Capacity];
        _initialMs = initialMs;
        _decayPerTick = 1 / (decaySeconds * time.TimestampFrequency);
        long now = time.GetTimestamp();
        for (int i = 0; i < _entries.Length; i++)
        {
            _entries[i].EstimateMs = initialMs;
            _entries[i].Stamp = now;
        }
    }

    /// <summary>Where reported backends are found again.</summary>
    public BackendSlots Slots => _slots;

    /// <summary>The decayed estimate of the backend at <paramref name="index"/>, in ms.</summary>
    public double LatencyMs(int index, BackendState backend, long now)
    {
        Entry[] entries = _entries;
        if ((uint)index >= (uint)entries.Length)
        {
            return _initialMs;
        }

        _slots.Note(index, backend);
        ref Entry entry = ref entries[index];
        double estimate = Volatile.Read(ref entry.EstimateMs);
        long elapsed = now - Volatile.Read(ref entry.Stamp);
        return estimate * Decay.Factor(elapsed * _decayPerTick);
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
        ref Entry entry = ref _entries[index];
        long previous = Interlocked.Exchange(ref entry.Stamp, now);
        double keep = Decay.Factor((now - previous) * _decayPerTick);
        ref double location = ref entry.EstimateMs;
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

    /// <summary>One position's estimate and the time of its last sample, alone on a 128 B entry.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct Entry
    {
        [FieldOffset(64)]
        public double EstimateMs;

        [FieldOffset(72)]
        public long Stamp;
    }
}

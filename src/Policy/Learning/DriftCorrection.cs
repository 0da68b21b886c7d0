using System.Runtime.CompilerServices;
using FastLb.Policy.Selection;

namespace FastLb.Policy.Learning;

/// <summary>The learned policy's online Q values, one cell per (backend, load level): the smoothed error of what a pick expected (observed - expected latency), decaying toward 0.</summary>
/// <remarks>
/// A tabular Q-learner: the state is the chosen backend's <see cref="LoadLevel"/> when it was
/// picked, the action sending to it, the reward the negated prediction error, stored in ms so that
/// it adds to a prediction. The discount is 0 (one routing decision does not change, in
/// expectation, the state the next one sees, and bootstrapping on the next state's best value
/// would add a pool-wide offset that shifts every candidate alike): Q += rate x (error - Q), with
/// the design's learning rate 0.1. When read it is multiplied by exp(-dt / decay), dt since the
/// cell's last outcome, so a penalty learned while a backend was slow fades when it is left alone
/// and it is tried again; and a sample after such a gap weighs max(rate, 1 - exp(-dt / decay))
/// rather than the rate, as in peak EWMA, so the few samples exploration brings from a recovered
/// backend count for more than one in a steady stream.
/// Lock-free as in <see cref="Baselines.PeakEwmaEstimates"/>: the timestamp is swapped, the value
/// updated with a compare-and-swap loop, a racing reader sees old or new, never torn, values.
/// A cell's value and timestamp lie side by side (one cache line for a pick's read), and a
/// backend's three cells together.
/// </remarks>
internal sealed class DriftCorrection
{
    /// <summary>Corrections smaller than this (in ms) are stored as 0.</summary>
    public const double FlushBelowMs = 1e-9;

    private readonly Cell[] _cells;
    private readonly double _rate;
    private readonly double _decayPerTick;

    /// <summary>All zero, for <paramref name="capacity"/> cells.</summary>
    public DriftCorrection(int capacity, TimeProvider time, double rate, double decaySeconds)
    {
        _cells = new Cell[Math.Max(capacity, 1)];
        _rate = rate;
        _decayPerTick = 1 / (decaySeconds * time.TimestampFrequency);
        long now = time.GetTimestamp();
        for (int i = 0; i < _cells.Length; i++)
        {
            _cells[i].Stamp = now;
        }
    }

    /// <summary>The decayed correction of cell <paramref name="index"/> in ms (0 outside the table).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double ValueMs(int index, long now)
    {
        Cell[] cells = _cells;
        if ((uint)index >= (uint)cells.Length)
        {
            return 0;
        }

        // Most cells of a model that predicts well hold exactly 0 (flushed): no decay to compute.
        ref Cell cell = ref cells[index];
        double value = Volatile.Read(ref cell.ValueMs);
        if (value == 0)
        {
            return 0;
        }

        long elapsed = now - Volatile.Read(ref cell.Stamp);
        return value * Decay.Factor(elapsed * _decayPerTick);
    }

    /// <summary>Folds one prediction error of position <paramref name="index"/> into its value.</summary>
    public void Observe(int index, double errorMs, long now)
    {
        Cell[] cells = _cells;
        if ((uint)index >= (uint)cells.Length)
        {
            return;
        }

        ref Cell cell = ref cells[index];
        long previous = Interlocked.Exchange(ref cell.Stamp, now);
        double keep = Decay.Factor((now - previous) * _decayPerTick);
        double weight = Math.Max(_rate, 1 - keep);
        ref double location = ref cell.ValueMs;
        double current = Volatile.Read(ref location);
        while (true)
        {
            double decayed = current * keep;
            double next = decayed + (weight * (errorMs - decayed));

            // Flush to zero: when predictions are right the value shrinks geometrically toward 0
            // and would pass through subnormal doubles, whose arithmetic is many times slower on
            // x86. A guard, not a measured win: the subnormal stretch is a few hundred updates.
            if (Math.Abs(next) < FlushBelowMs)
            {
                next = 0;
            }
            double seen = Interlocked.CompareExchange(ref location, next, current);
            if (seen.Equals(current))
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>One Q cell: the value and when it was last updated.</summary>
    private struct Cell
    {
        public double ValueMs;
        public long Stamp;
    }
}

using System.Numerics;
using System.Runtime.CompilerServices;

namespace FastLb.Policy.Learning;

/// <summary>Immutable predicted latencies per (backend, route, in-flight point), published by the learned policy's refresh and only read by picks.</summary>
/// <remarks>
/// In-flight points are 0, 1, 2, 4, ..., 64; a pick interpolates linearly between the two points
/// around a backend's in-flight count (and extrapolates past 64 along the last segment), so the
/// table stays small (8 points) while the model's view of queueing is kept. A backend whose slot
/// held nothing at refresh time has NaN predictions.
/// </remarks>
internal sealed class PredictionTableSnapshot
{
    /// <summary>In-flight points per backend and route.</summary>
    public const int Points = 8;

    /// <summary>The largest in-flight point.</summary>
    public const int MaxPoint = 1 << (Points - 2);

    /// <summary>Creates a table for <paramref name="backends"/> x <paramref name="routeSlots"/>.</summary>
    public PredictionTableSnapshot(BackendState?[] backends, int routeSlots, double[] values, long builtAt)
    {
        Backends = backends;
        RouteSlots = routeSlots;
        Values = values;
        BuiltAt = builtAt;
    }

    /// <summary>The backend each row was predicted for (by reference), null when none.</summary>
    public BackendState?[] Backends { get; }

    /// <summary>Routes of the pool, plus one slot for requests without a route.</summary>
    public int RouteSlots { get; }

    /// <summary>Predictions, index ((backend x RouteSlots) + route) x Points + point.</summary>
    public double[] Values { get; }

    /// <summary>Timestamp of the refresh that built it.</summary>
    public long BuiltAt { get; }

    /// <summary>The in-flight count at point <paramref name="point"/>.</summary>
    public static int InFlightAt(int point) => point == 0 ? 0 : 1 << (point - 1);

    /// <summary>True when the table has rows for <paramref name="backend"/> at <paramref name="index"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Covers(int index, BackendState backend) => (uint)index < (uint)Backends.Length && ReferenceEquals(Backends[index], backend);

    /// <summary>Predicted latency on <paramref name="backend"/> at <paramref name="inFlight"/>; NaN when the table has no row for it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Predict(int index, BackendState backend, int route, int inFlight)
    {
        if (!Covers(index, backend))
        {
            return double.NaN;
        }

        int row = ((index * RouteSlots) + route) * Points;
        double[] values = Values;
        if (inFlight <= 0)
        {
            return values[row];
        }

        // Point p holds in-flight 2^(p-1): the segment of x is [2^(p-1), 2^p) with p = 1 + log2 x.
        int point = Math.Min(1 + BitOperations.Log2((uint)inFlight), Points - 1);
        if (point == Points - 1)
        {
            double slope = (values[row + Points - 1] - values[row + Points - 2]) / (MaxPoint / 2);
            return values[row + Points - 1] + (slope * (inFlight - MaxPoint));
        }

        // The segment [2^(point-1), 2^point) is as long as its start.
        int low = InFlightAt(point);
        double fraction = (double)(inFlight - low) / low;
        return values[row + point] + (fraction * (values[row + point + 1] - values[row + point]));
    }
}

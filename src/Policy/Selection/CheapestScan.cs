using System.Numerics;
using System.Runtime.CompilerServices;

namespace FastLb.Policy.Selection;

/// <summary>How a full-scan policy prices one backend: lower is better.</summary>
/// <remarks>Implemented by structs, so that <see cref="CheapestScan.Find{TCost, TValue}"/> is compiled once per cost
/// and the call is inlined; the value type is the policy's own (an in-flight count compares as an
/// int, which PolicyBenchmarks shows faster than comparing it as a double; bench/RESULTS.md).</remarks>
internal interface IBackendCost<TValue>
    where TValue : struct, INumber<TValue>, IMinMaxValue<TValue>
{
    /// <summary>The cost of sending the next request to <paramref name="backend"/>.</summary>
    TValue Of(BackendState backend);
}

/// <summary>The full scan of least_connections, least_response_time and resource_based.</summary>
internal static class CheapestScan
{
    /// <summary>The available backend other than <paramref name="exclude"/> with the lowest cost, scanning from <paramref name="start"/> and wrapping; ties go to the first found; -1 when none.</summary>
    /// <remarks>Hot path: guarded by PolicyBenchmarks. The wrapping scan is two loops, start..n then
    /// 0..start, over slices: the same order without a wrap test or a bounds check per backend.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Find<TCost, TValue>(ReadOnlySpan<BackendState> backends, int start, int exclude, TCost cost)
        where TCost : struct, IBackendCost<TValue>
        where TValue : struct, INumber<TValue>, IMinMaxValue<TValue>
    {
        int best = -1;
        TValue bestCost = TValue.MaxValue;
        Scan<TCost, TValue>(backends[start..], start, exclude, cost, ref best, ref bestCost);
        Scan<TCost, TValue>(backends[..start], 0, exclude, cost, ref best, ref bestCost);
        return best;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scan<TCost, TValue>(ReadOnlySpan<BackendState> part, int offset, int exclude, TCost cost, ref int best, ref TValue bestCost)
        where TCost : struct, IBackendCost<TValue>
        where TValue : struct, INumber<TValue>, IMinMaxValue<TValue>
    {
        for (int i = 0; i < part.Length; i++)
        {
            BackendState backend = part[i];
            int index = offset + i;
            if (index == exclude || !backend.IsAvailable)
            {
                continue;
            }

            TValue value = cost.Of(backend);
            if (value < bestCost)
            {
                best = index;
                bestCost = value;
            }
        }
    }
}

using System.Runtime.CompilerServices;
using FastLb.Policy.Selection;

namespace FastLb.Policy.Baselines;

/// <summary><c>least_connections</c>: the available backend with the fewest requests in flight, by a full scan.</summary>
/// <remarks>Ties go to the first one found from a rotating start, so equal backends share the load.</remarks>
public sealed class LeastConnectionsPolicy : IRoutingPolicy
{
    private readonly TurnCounter _turns = new();

    /// <inheritdoc />
    public string Name => PolicyNames.LeastConnections;

    /// <inheritdoc />
    /// <remarks>Hot path: guarded by PolicyBenchmarks. The wrapping scan is two loops, start..n then
    /// 0..start, over slices: the same order without a wrap test or a bounds check per backend.</remarks>
    public int Pick(ReadOnlySpan<BackendState> backends, in RequestFeatures request)
    {
        int count = backends.Length;
        if (count == 0)
        {
            return -1;
        }

        int start = (int)(_turns.Next() % (uint)count);
        int exclude = request.ExcludeIndex;
        int best = -1;
        int bestInFlight = int.MaxValue;
        Scan(backends[start..], start, exclude, ref best, ref bestInFlight);
        Scan(backends[..start], 0, exclude, ref best, ref bestInFlight);
        return best;
    }

    /// <inheritdoc />
    public void Report(BackendState backend, in RequestFeatures request, in RequestOutcome outcome)
    {
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scan(ReadOnlySpan<BackendState> part, int offset, int exclude, ref int best, ref int bestInFlight)
    {
        for (int i = 0; i < part.Length; i++)
        {
            BackendState backend = part[i];
            int index = offset + i;
            if (index == exclude || !backend.IsAvailable)
            {
                continue;
            }

            int inFlight = backend.InFlight;
            if (inFlight < bestInFlight)
            {
                best = index;
                bestInFlight = inFlight;
            }
        }
    }
}

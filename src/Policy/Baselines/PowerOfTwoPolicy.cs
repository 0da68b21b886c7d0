using FastLb.Policy.Selection;

namespace FastLb.Policy.Baselines;

/// <summary><c>power_of_two</c>: of two distinct random available backends, the one with fewer requests in flight.</summary>
/// <remarks>Mitzenmacher's two choices: nearly the balance of a full scan at the cost of two reads, and no herding since each pick sees a different pair.</remarks>
public sealed class PowerOfTwoPolicy : IRoutingPolicy
{
    private readonly SplitMix64Random _random;

    /// <summary>Creates the policy with its own generator.</summary>
    public PowerOfTwoPolicy(ulong seed) => _random = new SplitMix64Random(seed);

    /// <inheritdoc />
    public string Name => PolicyNames.PowerOfTwo;

    /// <inheritdoc />
    // Hot path: guarded by PolicyBenchmarks.
    public int Pick(ReadOnlySpan<BackendState> backends, in RequestFeatures request, ref PickNote note) => PickLeastOfTwo(backends, request.ExcludeIndex, _random);

    /// <inheritdoc />
    public void Report(BackendState backend, in RequestFeatures request, in PickNote note, in RequestOutcome outcome)
    {
    }

    /// <summary>The two-choices rule, shared with the policies that fall back to it.</summary>
    internal static int PickLeastOfTwo(ReadOnlySpan<BackendState> backends, int excludeIndex, SplitMix64Random random)
    {
        int first = CandidateSampler.PickTwo(backends, excludeIndex, random, out int second);
        if (second < 0)
        {
            return first;
        }

        return backends[second].InFlight < backends[first].InFlight ? second : first;
    }
}

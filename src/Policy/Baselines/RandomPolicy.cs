using FastLb.Policy.Selection;

namespace FastLb.Policy.Baselines;

/// <summary><c>random</c>: a uniformly random available backend.</summary>
public sealed class RandomPolicy : IRoutingPolicy
{
    private readonly SplitMix64Random _random;

    /// <summary>Creates the policy with its own generator.</summary>
    public RandomPolicy(ulong seed) => _random = new SplitMix64Random(seed);

    /// <inheritdoc />
    public string Name => PolicyNames.Random;

    /// <inheritdoc />
    // Hot path: guarded by PolicyBenchmarks.
    public int Pick(ReadOnlySpan<BackendState> backends, in RequestFeatures request, ref PickNote note)
        => CandidateSampler.PickOne(backends, request.ExcludeIndex, _random);

    /// <inheritdoc />
    public void Report(BackendState backend, in RequestFeatures request, in PickNote note, in RequestOutcome outcome)
    {
    }
}

using FastLb.Policy;
using FastLb.Policy.Baselines;

namespace FastLb.Simulation.Tests;

/// <summary>Round robin that records every outcome it is told, so tests can see what the simulator reported.</summary>
internal sealed class RecordingPolicy : IRoutingPolicy
{
    private readonly RoundRobinPolicy _inner = new();

    public string Name => "recording";

    public List<RequestOutcome> Outcomes { get; } = [];

    public List<int> Excluded { get; } = [];

    public int Pick(ReadOnlySpan<BackendState> backends, in RequestFeatures request, ref PickNote note)
    {
        if (request.ExcludeIndex >= 0)
        {
            Excluded.Add(request.ExcludeIndex);
        }

        return _inner.Pick(backends, request, ref note);
    }

    public void Report(BackendState backend, in RequestFeatures request, in PickNote note, in RequestOutcome outcome) => Outcomes.Add(outcome);
}

namespace FastLb.Policy;

/// <summary>Picks a backend for a request among a pool's backends and learns from each outcome.</summary>
/// <remarks>
/// Implementations are called concurrently from every connection of a pool: <see cref="Pick"/>
/// takes no lock, allocates nothing, and never returns a backend that is unavailable
/// (<see cref="BackendState.IsAvailable"/> false) or excluded by <see cref="RequestFeatures.ExcludeIndex"/>.
/// The <see cref="Balancer"/> keeps <see cref="BackendState"/> current before a policy is told an outcome.
/// </remarks>
public interface IRoutingPolicy
{
    /// <summary>The name this policy is selected by in a pool's config, e.g. <c>round_robin</c>.</summary>
    string Name { get; }

    /// <summary>What <see cref="Pick"/> returns when no backend can take the request.</summary>
    const int NoBackend = -1;

    /// <summary>What <see cref="Pick"/> returns when backends are available but the policy refuses the
    /// request on purpose: it predicts no answer before <see cref="PolicyContext.DeadlineMs"/>. The
    /// caller answers at once (503) instead of queueing work that would time out.</summary>
    const int Shed = -2;

    /// <summary>Returns the index in <paramref name="backends"/> of the backend to use, <see cref="NoBackend"/>, or <see cref="Shed"/>.</summary>
    int Pick(ReadOnlySpan<BackendState> backends, in RequestFeatures request);

    /// <summary>Told exactly once per successful pick, when the request has ended.</summary>
    void Report(BackendState backend, in RequestFeatures request, in RequestOutcome outcome);
}

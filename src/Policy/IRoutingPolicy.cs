namespace FastLb.Policy;

/// <summary>Picks a backend for a request among a pool's backends and learns from each outcome.</summary>
/// <remarks>
/// Implementations are called concurrently from every connection of a pool: <see cref="Pick"/>
/// takes no lock, allocates nothing, and never returns a backend that is unavailable
/// (<see cref="BackendState.IsAvailable"/> false) or excluded by <see cref="RequestFeatures.ExcludeIndex"/>.
/// Callers go through <see cref="Balancer"/>, which keeps <see cref="BackendState"/> current and
/// hands each pick a <see cref="BackendLease"/> that reports its outcome exactly once.
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
    /// <param name="backends">The pool's backends.</param>
    /// <param name="request">What is known about the request.</param>
    /// <param name="note">Starts as <see cref="PickNote.None"/>; a policy that learns per pick writes what it must remember here, and gets it back in <see cref="Report"/>.</param>
    int Pick(ReadOnlySpan<BackendState> backends, in RequestFeatures request, ref PickNote note);

    /// <summary>Told exactly once per successful pick, when the attempt has ended, with the note that pick wrote.</summary>
    void Report(BackendState backend, in RequestFeatures request, in PickNote note, in RequestOutcome outcome);
}

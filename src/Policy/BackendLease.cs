using System.Runtime.CompilerServices;

namespace FastLb.Policy;

/// <summary>One attempt on one backend, from its pick to its outcome: filled by <see cref="Balancer.Acquire"/>, ended by <see cref="Complete"/> exactly once.</summary>
/// <remarks>
/// <para>The lease carries everything the outcome needs: the balancer, the request as it was
/// picked (with <see cref="RequestFeatures.PickedIndex"/>, which names the backend, and its
/// timestamp) and the policy's <see cref="PickNote"/>. Nothing is looked up again when the attempt ends, so the
/// policy learns from the expectation of this pick, not of a later one on the same backend.</para>
/// <para>A mutable struct that its owner keeps in place (a field of the connection, a slot of the
/// simulator's request array) and passes by <c>ref</c>: 0 B per attempt. <see cref="Complete"/>
/// empties the lease, so a second completion through it throws, and <see cref="Balancer.Acquire"/>
/// into a lease that is still active throws (the earlier attempt's outcome was lost). Copying an
/// active lease would let both copies complete; the proxy and the simulator never copy one, and
/// debug builds catch it: the balancer keeps the numbers of its outstanding leases.</para>
/// </remarks>
public struct BackendLease
{
    // The backend is not stored: it is the balancer's backend at the picked index, which saves a
    // reference store (a GC write barrier) per attempt on the hot path.
    private Balancer? _balancer;
    private RequestFeatures _request;
    private PickNote _note;
#if DEBUG
    private long _number;
#endif

    /// <summary>True from a successful <see cref="Balancer.Acquire"/> until <see cref="Complete"/>.</summary>
    public readonly bool IsActive => _balancer is not null;

    /// <summary>The backend picked.</summary>
    public readonly BackendState Backend => (_balancer ?? throw NotActive()).BackendAt(_request.PickedIndex);

    /// <summary>The backend's index in the balancer's backends.</summary>
    public readonly int Index => _request.PickedIndex;

    /// <summary>The request as it was when picked: <see cref="RequestFeatures.PoolInFlight"/> and <see cref="RequestFeatures.PickedIndex"/> filled; still readable after <see cref="Complete"/>, for the attempt's log row.</summary>
    public readonly RequestFeatures Request => _request;

    /// <summary>What the policy noted at the pick.</summary>
    public readonly PickNote Note => _note;

    /// <summary>Ends the attempt: updates the backend state, then tells the policy, once.</summary>
    /// <exception cref="InvalidOperationException">The lease was already completed, or never acquired.</exception>
    // Hot path: guarded by PolicyBenchmarks.
    public void Complete(in RequestOutcome outcome)
    {
        Balancer balancer = _balancer ?? throw NotActive();
        _balancer = null;
#if DEBUG
        balancer.Forget(_number);
#endif
        balancer.Complete(_request, _note, outcome);
    }

    /// <summary>Fills the lease for a pick (called by <see cref="Balancer.Acquire"/> only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Start(Balancer balancer, in RequestFeatures request, in PickNote note)
    {
        if (_balancer is not null)
        {
            ThrowStillActive();
        }

        _balancer = balancer;
        _request = request;
        _note = note;
#if DEBUG
        _number = balancer.Remember();
#endif
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static InvalidOperationException NotActive() =>
        new("The lease is not active: it was completed already, or no backend was acquired into it.");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowStillActive() =>
        throw new InvalidOperationException("The lease is still active: the previous attempt was never completed.");
}

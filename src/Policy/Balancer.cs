namespace FastLb.Policy;

/// <summary>A policy bound to a pool's backends: picks, keeps the backend state current and reports outcomes.</summary>
/// <remarks>
/// The proxy and the simulator both route through this class, so that the simulated objects are
/// the ones that serve traffic. Every successful <see cref="Pick"/> must be followed by exactly
/// one <see cref="Complete"/> for the same backend.
/// </remarks>
public sealed class Balancer
{
    private readonly BackendState[] _backends;
    private int _inFlight;
    private long _shed;

    /// <summary>Binds <paramref name="policy"/> to <paramref name="backends"/>.</summary>
    public Balancer(IRoutingPolicy policy, BackendState[] backends)
    {
        Policy = policy ?? throw new ArgumentNullException(nameof(policy));
        _backends = backends ?? throw new ArgumentNullException(nameof(backends));
    }

    /// <summary>The policy that picks.</summary>
    public IRoutingPolicy Policy { get; }

    /// <summary>The pool's backends, in config order.</summary>
    public ReadOnlySpan<BackendState> Backends => _backends;

    /// <summary>Requests in flight in the pool.</summary>
    /// <remarks>One interlocked counter. Every pick reads it (<see cref="RequestFeatures.PoolInFlight"/>),
    /// so it is not striped: a striped count is read by summing a line per processor, on every pick.</remarks>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Picks a backend and counts the request on it; null when none can take the request or the policy shed it.</summary>
    /// <remarks>Hot path: guarded by PolicyBenchmarks. Sets <see cref="RequestFeatures.PoolInFlight"/> and <see cref="RequestFeatures.PickedIndex"/>.</remarks>
    public BackendState? Pick(ref RequestFeatures request)
    {
        int index = PickIndex(ref request);
        return index < 0 ? null : _backends[index];
    }

    /// <summary>Requests the policy shed (<see cref="IRoutingPolicy.Shed"/>) since this balancer was built.</summary>
    public long Shed => Interlocked.Read(ref _shed);

    /// <summary>Like <see cref="Pick"/>, returning the backend's index in <see cref="Backends"/>,
    /// <see cref="IRoutingPolicy.NoBackend"/> or <see cref="IRoutingPolicy.Shed"/>.</summary>
    public int PickIndex(ref RequestFeatures request)
    {
        request.PoolInFlight = Volatile.Read(ref _inFlight);
        int index = Policy.Pick(_backends, request);
        if ((uint)index >= (uint)_backends.Length)
        {
            if (index == IRoutingPolicy.Shed)
            {
                Interlocked.Increment(ref _shed);
                return IRoutingPolicy.Shed;
            }

            return IRoutingPolicy.NoBackend;
        }

        request.PickedIndex = index;
        _backends[index].OnStarted();
        Interlocked.Increment(ref _inFlight);
        return index;
    }

    /// <summary>Ends a request picked by <see cref="Pick"/>: updates the backend state, then tells the policy.</summary>
    public void Complete(BackendState backend, in RequestFeatures request, in RequestOutcome outcome)
    {
        Interlocked.Decrement(ref _inFlight);
        backend.OnEnded(outcome);
        Policy.Report(backend, request, outcome);
    }

    /// <summary>Returns the index of <paramref name="backend"/> in <see cref="Backends"/>, or -1.</summary>
    public int IndexOf(BackendState backend) => Array.IndexOf(_backends, backend);
}

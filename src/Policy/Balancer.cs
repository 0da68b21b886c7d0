#if DEBUG
using System.Collections.Concurrent;
#endif

namespace FastLb.Policy;

/// <summary>A policy bound to a pool's backends: picks, keeps the backend state current and reports outcomes.</summary>
/// <remarks>
/// The proxy and the simulator both route through this class, so that the simulated objects are
/// the ones that serve traffic. Every successful <see cref="Acquire"/> fills a <see cref="BackendLease"/>,
/// and completing that lease is the only way an attempt ends: the backend's in-flight count, its
/// smoothed state and the policy's report all happen there, once.
/// </remarks>
public sealed class Balancer
{
    private readonly BackendState[] _backends;
    private int _inFlight;
    private long _shed;
#if DEBUG
    private readonly ConcurrentDictionary<long, byte> _outstanding = new();
    private long _leases;
#endif

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

    /// <summary>Attempts in flight in the pool: leases acquired and not completed.</summary>
    /// <remarks>One interlocked counter. Every pick reads it (<see cref="RequestFeatures.PoolInFlight"/>),
    /// so it is not striped: a striped count is read by summing a line per processor, on every pick.</remarks>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Requests the policy shed (<see cref="IRoutingPolicy.Shed"/>) since this balancer was built.</summary>
    public long Shed => Interlocked.Read(ref _shed);

    /// <summary>Picks a backend for <paramref name="request"/> and, on success, starts an attempt on it in <paramref name="lease"/>.</summary>
    /// <returns>The backend's index in <see cref="Backends"/>, <see cref="IRoutingPolicy.NoBackend"/> or
    /// <see cref="IRoutingPolicy.Shed"/>; the lease is filled only for an index.</returns>
    /// <exception cref="InvalidOperationException"><paramref name="lease"/> still holds an attempt that was never completed.</exception>
    /// <remarks>Hot path: guarded by PolicyBenchmarks. Sets <see cref="RequestFeatures.PoolInFlight"/> and <see cref="RequestFeatures.PickedIndex"/>.</remarks>
    public int Acquire(ref RequestFeatures request, ref BackendLease lease)
    {
        request.PoolInFlight = Volatile.Read(ref _inFlight);
        PickNote note = PickNote.None;
        int index = Policy.Pick(_backends, request, ref note);
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
        lease.Start(this, request, note);
        _backends[index].OnStarted();
        Interlocked.Increment(ref _inFlight);
        return index;
    }

    /// <summary>Returns the index of <paramref name="backend"/> in <see cref="Backends"/>, or -1.</summary>
    public int IndexOf(BackendState backend) => Array.IndexOf(_backends, backend);

    /// <summary>The backend at <paramref name="index"/> of <see cref="Backends"/>.</summary>
    internal BackendState BackendAt(int index) => _backends[index];

    /// <summary>Ends an attempt (called by <see cref="BackendLease.Complete"/> only): updates the backend state, then tells the policy.</summary>
    internal void Complete(in RequestFeatures request, in PickNote note, in RequestOutcome outcome)
    {
        BackendState backend = _backends[request.PickedIndex];
        Interlocked.Decrement(ref _inFlight);
        backend.OnEnded(outcome);
        Policy.Report(backend, request, note, outcome);
    }
#if DEBUG

    /// <summary>Numbers a new lease and keeps it as outstanding (debug builds: catches a completed copy of a lease).</summary>
    internal long Remember()
    {
        long number = Interlocked.Increment(ref _leases);
        _outstanding.TryAdd(number, 0);
        return number;
    }

    /// <summary>Forgets an outstanding lease; throws when it was completed already (through a copy).</summary>
    internal void Forget(long number)
    {
        if (!_outstanding.TryRemove(number, out _))
        {
            throw new InvalidOperationException($"Lease {number} completed twice (a copy of an active lease was completed).");
        }
    }
#endif
}

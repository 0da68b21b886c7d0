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
    private long _failOpen;
    private long _deferred;
    private uint _failOpenCursor;
#if DEBUG
    private readonly ConcurrentDictionary<long, byte> _outstanding = new();
    private long _leases;
#endif

    /// <summary>What <see cref="Acquire"/> returns when every backend in rotation is at <see cref="MaxInFlightPerBackend"/>.</summary>
    public const int Saturated = -3;

    private int _maxInFlight = int.MaxValue;

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

    /// <summary>Requests one backend may have in flight at once; a pick of a backend at the cap goes to the least loaded one below it, or the pool is <see cref="Saturated"/>. <see cref="int.MaxValue"/> (the default): no cap.</summary>
    public int MaxInFlightPerBackend
    {
        get => Volatile.Read(ref _maxInFlight);
        set => Volatile.Write(ref _maxInFlight, value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value)));
    }

    /// <summary>Picks made while the pool failed open: every backend was out for passive reasons only (circuit breaker, outlier ejection), so one was tried anyway.</summary>
    public long FailOpenPicks => Interlocked.Read(ref _failOpen);

    /// <summary>Picks of a ramping backend (<see cref="BackendState.Share"/> below 1) sent to another backend instead.</summary>
    public long DeferredPicks => Interlocked.Read(ref _deferred);

    /// <summary>True while no backend is in rotation and at least one is out for passive reasons only, so requests go to those (fail open).</summary>
    public bool IsFailingOpen
    {
        get
        {
            bool passiveOnly = false;
            foreach (BackendState backend in _backends)
            {
                OutReason reasons = backend.Out;
                if (reasons == OutReason.None)
                {
                    return false;
                }

                passiveOnly |= (reasons & ~OutReason.Passive) == 0;
            }

            return passiveOnly;
        }
    }

    /// <summary>Picks a backend for <paramref name="request"/> and, on success, starts an attempt on it in <paramref name="lease"/>.</summary>
    /// <returns>The backend's index in <see cref="Backends"/>, <see cref="IRoutingPolicy.NoBackend"/>,
    /// <see cref="IRoutingPolicy.Shed"/> or <see cref="Saturated"/>; the lease is filled only for an index.</returns>
    /// <exception cref="InvalidOperationException"><paramref name="lease"/> still holds an attempt that was never completed.</exception>
    /// <remarks>
    /// <para>Hot path: guarded by PolicyBenchmarks. Sets <see cref="RequestFeatures.PoolInFlight"/> and <see cref="RequestFeatures.PickedIndex"/>.</para>
    /// <para>Three things here apply to every policy alike. A backend ramping up after coming back
    /// (<see cref="BackendState.Share"/> below 1) keeps only that share of its picks; the rest are
    /// picked again without it. When the policy finds no backend and some are out only for passive
    /// reasons (<see cref="OutReason.Passive"/>), the pool fails open: those are tried in turn rather
    /// than refusing every request. And the pick that takes a half-open breaker's probe puts that
    /// backend out again until the probe's outcome.</para>
    /// </remarks>
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

            index = PickFailOpen(request.ExcludeIndex);
            if (index < 0)
            {
                return IRoutingPolicy.NoBackend;
            }

            note = PickNote.None;
        }
        else if (_backends[index].Share < 1.0 && request.ExcludeIndex < 0)
        {
            index = Defer(ref request, index, ref note);
        }

        int cap = Volatile.Read(ref _maxInFlight);
        if (cap != int.MaxValue && _backends[index].InFlight >= cap)
        {
            index = BelowCap(cap, request.ExcludeIndex);
            if (index < 0)
            {
                return Saturated;
            }

            note = PickNote.None;
        }

        _backends[index].TakeProbe();
        request.PickedIndex = index;
        lease.Start(this, request, note);
        _backends[index].OnStarted();
        Interlocked.Increment(ref _inFlight);
        return index;
    }

    /// <summary>Slow start: keeps the pick of a ramping backend with probability <see cref="BackendState.Share"/>, else picks again without it.</summary>
    private int Defer(ref RequestFeatures request, int index, ref PickNote note)
    {
        if (Random.Shared.NextDouble() < _backends[index].Share)
        {
            return index;
        }

        request.ExcludeIndex = index;
        PickNote other = PickNote.None;
        int again = Policy.Pick(_backends, request, ref other);
        request.ExcludeIndex = -1;
        if ((uint)again >= (uint)_backends.Length)
        {
            // Nothing else to pick: the ramping backend takes it.
            return index;
        }

        Interlocked.Increment(ref _deferred);
        note = other;
        return again;
    }

    /// <summary>The policy's pick is at the cap: the least loaded backend in rotation below it, or -1.</summary>
    private int BelowCap(int cap, int exclude)
    {
        int best = -1, least = cap;
        for (int i = 0; i < _backends.Length; i++)
        {
            BackendState backend = _backends[i];
            int inFlight = backend.InFlight;
            if (i != exclude && inFlight < least && backend.IsAvailable)
            {
                best = i;
                least = inFlight;
            }
        }

        return best;
    }

    /// <summary>Fail open: the next backend, in turn, that is out only for passive reasons; -1 when there is none.</summary>
    private int PickFailOpen(int exclude)
    {
        int count = _backends.Length;
        uint start = Interlocked.Increment(ref _failOpenCursor);
        for (int i = 0; i < count; i++)
        {
            int index = (int)((start + (uint)i) % (uint)count);
            if (index != exclude && (_backends[index].Out & ~OutReason.Passive) == 0)
            {
                Interlocked.Increment(ref _failOpen);
                return index;
            }
        }

        return -1;
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

namespace FastLb.Policy;

/// <summary>Passive failure detection for one backend: opens on failures in a row or a high error rate, lets one probe through after a cool-down, closes when the probe succeeds.</summary>
/// <remarks>
/// <para>Lock-free. <see cref="OnOutcome"/> runs on the request path: a success costs a read (and a
/// write only after a failure), a failure two interlocked adds. Everything that depends on time
/// (the end of a cool-down, the windowed error rate) runs in <see cref="Tick"/>, called off the
/// request path a few times a second, so no request reads a clock for the breaker.</para>
/// <para>The breaker acts on its <see cref="BackendState"/>: open puts the backend out of rotation
/// (<see cref="OutReason.Breaker"/>), half-open offers a probe that the next pick takes
/// (<see cref="Balancer.Acquire"/>). Outcomes that arrive while the circuit is open or half-open come
/// from requests picked before it opened and are ignored; the first outcome while probing decides.
/// A connect failure opens the circuit at once (<see cref="Trip"/>): the backend is plainly not there.</para>
/// </remarks>
public sealed class CircuitBreaker
{
    private readonly BackendState _backend;
    private readonly TimeProvider _time;
    private BreakerSettings _settings;
    private int _state;
    private int _consecutive;
    private long _failures;
    private long _openedAt;
    private long _coolDownMs;
    private long _opened;

    // The error-rate window: (requests ended, failures) sampled at each tick.
    private readonly SampledWindow _window = new();
    private int _resetWindow;

    /// <summary>Creates the closed breaker of <paramref name="backend"/>.</summary>
    public CircuitBreaker(BackendState backend, BreakerSettings settings, TimeProvider time)
    {
        _backend = backend ?? throw new ArgumentNullException(nameof(backend));
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _coolDownMs = settings.CoolDownMs;
    }

    /// <summary>The breaker's state.</summary>
    public BreakerState State => (BreakerState)Volatile.Read(ref _state);

    /// <summary>Times the circuit opened since start.</summary>
    public long Opened => Interlocked.Read(ref _opened);

    /// <summary>Failures counted since start (the ones the pool's settings count as failures).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>The cool-down the circuit waits, or will wait the next time it opens after a failed probe, in ms.</summary>
    public long CoolDownMs => Interlocked.Read(ref _coolDownMs);

    /// <summary>The settings in use; a config reload may replace them (they apply from the next outcome and tick).</summary>
    public BreakerSettings Settings
    {
        get => Volatile.Read(ref _settings);
        set => Volatile.Write(ref _settings, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>Folds in the outcome of a request sent to the backend.</summary>
    /// <param name="failed">Whether the request failed in a way the pool counts (transport errors, timeouts, the configured statuses).</param>
    public void OnOutcome(bool failed)
    {
        switch ((BreakerState)Volatile.Read(ref _state))
        {
            case BreakerState.Closed:
                if (!failed)
                {
                    if (Volatile.Read(ref _consecutive) != 0)
                    {
                        Volatile.Write(ref _consecutive, 0);
                    }

                    return;
                }

                Interlocked.Increment(ref _failures);
                if (Interlocked.Increment(ref _consecutive) >= Settings.ConsecutiveFailures)
                {
                    Open(BreakerState.Closed, grow: false);
                }

                return;
            case BreakerState.Probing:
                Decide(BreakerState.Probing, failed);
                return;
            case BreakerState.HalfOpen when (_backend.Out & OutReason.Breaker) != 0:
                // A pick took the probe (it put the backend out again) before a tick noticed.
                Decide(BreakerState.HalfOpen, failed);
                return;
            default:
                // Open, or half-open with the probe not taken: an outcome of a request picked before the circuit opened.
                if (failed)
                {
                    Interlocked.Increment(ref _failures);
                }

                return;
        }
    }

    /// <summary>The probe's outcome: a success closes the circuit and resets the cool-down, a failure reopens it for twice as long.</summary>
    private void Decide(BreakerState from, bool failed)
    {
        if (failed)
        {
            Interlocked.Increment(ref _failures);
            Open(from, grow: true);
        }
        else if (Interlocked.CompareExchange(ref _state, (int)BreakerState.Closed, (int)from) == (int)from)
        {
            Volatile.Write(ref _consecutive, 0);
            Interlocked.Exchange(ref _coolDownMs, Settings.CoolDownMs);
            _backend.SetOut(OutReason.Breaker, false);
        }
    }

    /// <summary>Opens the circuit now, whatever the counts say (a connect failure).</summary>
    public void Trip()
    {
        BreakerState state = State;
        if (state is BreakerState.Closed or BreakerState.Probing or BreakerState.HalfOpen)
        {
            Open(state, grow: state != BreakerState.Closed);
        }
    }

    /// <summary>Advances what depends on time: ends a cool-down (half-open), judges the windowed error rate, and notices the probe taken.</summary>
    /// <returns>The state after the tick.</returns>
    /// <remarks>One caller at a time (the proxy's passive monitor): the error-rate samples are not shared.</remarks>
    public BreakerState Tick()
    {
        long now = _time.GetTimestamp();
        BreakerSettings settings = Settings;
        long requests = _backend.Requests;
        long failures = Failures;
        if (Interlocked.Exchange(ref _resetWindow, 0) == 1)
        {
            _window.Clear();
        }

        (long windowRequests, long windowFailures) = _window.Add(_time, now, requests, failures, settings.WindowMs);
        var state = (BreakerState)Volatile.Read(ref _state);
        switch (state)
        {
            case BreakerState.Closed when settings.ErrorRate <= 1:
                if (windowRequests >= settings.MinRequests && windowFailures >= settings.ErrorRate * windowRequests)
                {
                    Open(BreakerState.Closed, grow: false);
                }

                break;
            case BreakerState.Open when _time.GetElapsedTime(Interlocked.Read(ref _openedAt), now).TotalMilliseconds >= CoolDownMs:
                if (Interlocked.CompareExchange(ref _state, (int)BreakerState.HalfOpen, (int)BreakerState.Open) == (int)BreakerState.Open)
                {
                    _backend.OfferProbe();
                }

                break;
            case BreakerState.HalfOpen when (_backend.Out & OutReason.Breaker) != 0:
                // A pick took the probe (it put the backend out again): its outcome decides.
                Interlocked.CompareExchange(ref _state, (int)BreakerState.Probing, (int)BreakerState.HalfOpen);
                break;
        }

        return State;
    }

    private void Open(BreakerState from, bool grow)
    {
        if (Interlocked.CompareExchange(ref _state, (int)BreakerState.Open, (int)from) != (int)from)
        {
            return;
        }

        _backend.WithdrawProbe();
        _backend.SetOut(OutReason.Breaker, true);
        BreakerSettings settings = Settings;
        long coolDown = grow ? Math.Min(Interlocked.Read(ref _coolDownMs) * 2, settings.MaxCoolDownMs) : settings.CoolDownMs;
        Interlocked.Exchange(ref _coolDownMs, coolDown);
        Interlocked.Exchange(ref _openedAt, _time.GetTimestamp());
        Volatile.Write(ref _consecutive, 0);
        Interlocked.Increment(ref _opened);

        // The window starts again (at the next tick, which owns the samples): what made the circuit
        // open must not reopen it after the probe.
        Volatile.Write(ref _resetWindow, 1);
    }
}

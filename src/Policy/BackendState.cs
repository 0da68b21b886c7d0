namespace FastLb.Policy;

/// <summary>One backend's runtime state: in-flight count, smoothed latency and error rate, last health report.</summary>
/// <remarks>
/// Thread-safe without locks. Counters use <see cref="Interlocked"/>; the smoothed values are
/// doubles updated with a compare-and-swap loop, so a concurrent update is retried rather than
/// lost, and readers see either the old or the new value, never a torn one (64-bit aligned).
/// Keyed by <see cref="Id"/> and kept across config reloads by whoever owns the pool.
/// </remarks>
public sealed class BackendState
{
    /// <summary>Weight of a new sample in <see cref="EwmaLatencyMs"/>.</summary>
    public const double LatencyAlpha = 0.2;

    /// <summary>Weight of a new sample in <see cref="EwmaErrorRate"/>.</summary>
    public const double ErrorAlpha = 0.05;

    private int _inFlight;
    private long _requests;
    private long _failures;
    private double _ewmaLatencyMs;
    private double _ewmaErrorRate;
    private volatile bool _available = true;
    private volatile int _weight;
    private HealthReport _health = HealthReport.Unknown;

    /// <summary>Creates the state of a backend.</summary>
    /// <param name="id">Stable identity, usually the address (<c>127.0.0.1:9101</c>).</param>
    /// <param name="weight">Relative capacity, at least 1.</param>
    public BackendState(string id, int weight = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentOutOfRangeException.ThrowIfLessThan(weight, 1);
        Id = id;
        _weight = weight;
    }

    /// <summary>Stable identity of the backend.</summary>
    public string Id { get; }

    /// <summary>Relative capacity from the config.</summary>
    public int Weight
    {
        get => _weight;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _weight = value;
        }
    }

    /// <summary>False while health checks or passive ejection keep the backend out of rotation.</summary>
    public bool IsAvailable => _available;

    /// <summary>Requests sent to this backend that have not ended.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Requests ended on this backend since start.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Requests that failed on this backend since start (transport error or 5xx).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Exponentially smoothed latency in ms; 0 until the first outcome.</summary>
    public double EwmaLatencyMs => Volatile.Read(ref _ewmaLatencyMs);

    /// <summary>Exponentially smoothed failure rate in [0, 1].</summary>
    public double EwmaErrorRate => Volatile.Read(ref _ewmaErrorRate);

    /// <summary>The last health report received from the backend.</summary>
    public HealthReport Health => Volatile.Read(ref _health);

    /// <summary>Takes the backend in or out of rotation.</summary>
    public void SetAvailable(bool available) => _available = available;

    /// <summary>Publishes a new health report.</summary>
    public void SetHealth(HealthReport report) => Volatile.Write(ref _health, report ?? throw new ArgumentNullException(nameof(report)));

    /// <summary>Counts a request sent to this backend.</summary>
    public void OnStarted() => Interlocked.Increment(ref _inFlight);

    /// <summary>Counts the end of a request and folds its outcome into the smoothed values.</summary>
    public void OnEnded(in RequestOutcome outcome)
    {
        Interlocked.Decrement(ref _inFlight);
        Interlocked.Increment(ref _requests);
        bool failed = outcome.IsFailure;
        if (failed)
        {
            Interlocked.Increment(ref _failures);
        }

        if (outcome.Error == OutcomeError.None)
        {
            UpdateEwma(ref _ewmaLatencyMs, outcome.LatencyMs, LatencyAlpha, seedWithFirst: true);
        }

        UpdateEwma(ref _ewmaErrorRate, failed ? 1.0 : 0.0, ErrorAlpha, seedWithFirst: false);
    }

    /// <summary>Makes this state a copy of <paramref name="source"/> with <paramref name="inFlight"/> requests in flight.</summary>
    /// <remarks>
    /// For probe states only: the learned policy asks its latency model what a backend would answer
    /// at several in-flight counts, and the model reads its features from a <see cref="BackendState"/>.
    /// Never call it on a state that serves traffic; its counters would be overwritten.
    /// </remarks>
    internal void CopyForProbe(BackendState source, int inFlight)
    {
        Volatile.Write(ref _inFlight, inFlight);
        Interlocked.Exchange(ref _requests, source.Requests);
        Interlocked.Exchange(ref _failures, source.Failures);
        Volatile.Write(ref _ewmaLatencyMs, source.EwmaLatencyMs);
        Volatile.Write(ref _ewmaErrorRate, source.EwmaErrorRate);
        Volatile.Write(ref _health, source.Health);
        _available = source.IsAvailable;
        _weight = source.Weight;
    }

    private static void UpdateEwma(ref double location, double sample, double alpha, bool seedWithFirst)
    {
        double current = Volatile.Read(ref location);
        while (true)
        {
            double next = seedWithFirst && current == 0 ? sample : current + (alpha * (sample - current));
            double seen = Interlocked.CompareExchange(ref location, next, current);
            if (seen.Equals(current))
            {
                return;
            }

            current = seen;
        }
    }

    /// <inheritdoc />
    public override string ToString() => Id;
}

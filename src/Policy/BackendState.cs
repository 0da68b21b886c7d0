using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FastLb.Policy;

/// <summary>One backend's runtime state: in-flight count, smoothed latency and error rate, last health report.</summary>
/// <remarks>
/// <para>Thread-safe without locks. Counters use <see cref="Interlocked"/>; the smoothed values are
/// doubles updated with a compare-and-swap loop, so a concurrent update is retried rather than
/// lost, and readers see either the old or the new value, never a torn one (64-bit aligned).
/// Keyed by <see cref="Id"/> and kept across config reloads by whoever owns the pool.</para>
/// <para>In flight is counted as two monotonic counters, started (written by picks) and ended
/// (written by completions, and also the <see cref="Requests"/> count), so a completion costs one
/// interlocked add where a decrement of in-flight and an increment of requests cost two.</para>
/// <para>The layout is explicit, against false sharing: what picks read and almost nobody writes
/// (id, weight, availability, slow-start share, the health report and the values derived from it) lies on the
/// first line; what every request writes (started, ended, failures, the two EWMAs) lies 64 B or
/// more away, and the object is padded so the next backend's read-mostly line is not the one
/// this backend's requests write. About 220 B per backend. Started and ended share their line on
/// purpose: on separate lines a pick and its completion would take two lines from the other core
/// instead of one (guarded by PolicyBenchmarksContended; figures in bench/RESULTS.md).</para>
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = 216)]
public sealed class BackendState
{
    /// <summary>Weight of a new sample in <see cref="EwmaLatencyMs"/>.</summary>
    public const double LatencyAlpha = 0.2;

    /// <summary>Weight of a new sample in <see cref="EwmaErrorRate"/>.</summary>
    public const double ErrorAlpha = 0.05;

    // Read-mostly: read by every pick, written by config, health checks and ejection only.
    [FieldOffset(0)]
    private readonly string _id;

    [FieldOffset(8)]
    private HealthReport _health = HealthReport.Unknown;

    [FieldOffset(16)]
    private volatile int _weight;

    // Why the backend is out of rotation (OutReason bits); 0 when it is in.
    [FieldOffset(20)]
    private int _out;

    [FieldOffset(24)]
    private double _cpuFraction = -1;

    [FieldOffset(32)]
    private int _reportedActive = -1;

    [FieldOffset(36)]
    private byte _reportedStatus;

    // 1 while a half-open circuit breaker offers one probe request (taken by the first pick).
    [FieldOffset(40)]
    private int _probeOffered;

    // Share of its picks a backend takes while it ramps up after coming back (slow start); 1 when full.
    [FieldOffset(48)]
    private double _share = 1.0;

    // Written by every pick and every completion: one line, so a request (a pick, then its
    // completion, often on the same core) takes one line, not two.
    [FieldOffset(112)]
    private long _started;

    [FieldOffset(120)]
    private long _ended;

    [FieldOffset(128)]
    private long _failures;

    [FieldOffset(136)]
    private double _ewmaLatencyMs;

    [FieldOffset(144)]
    private double _ewmaErrorRate;

    /// <summary>Creates the state of a backend.</summary>
    /// <param name="id">Stable identity, usually the address (<c>127.0.0.1:9101</c>).</param>
    /// <param name="weight">Relative capacity, at least 1.</param>
    public BackendState(string id, int weight = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentOutOfRangeException.ThrowIfLessThan(weight, 1);
        _id = id;
        _weight = weight;
    }

    /// <summary>Stable identity of the backend.</summary>
    public string Id => _id;

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

    /// <summary>False while health checks, the circuit breaker or outlier ejection keep the backend out of rotation.</summary>
    public bool IsAvailable => Volatile.Read(ref _out) == 0;

    /// <summary>Why the backend is out of rotation; <see cref="OutReason.None"/> when it is in.</summary>
    public OutReason Out => (OutReason)Volatile.Read(ref _out);

    /// <summary>The share of its picks the backend keeps while it ramps up after coming back, in (0, 1]; 1 when not ramping.</summary>
    /// <remarks><see cref="Balancer.Acquire"/> sends the rest elsewhere, so slow start works the same under every policy.</remarks>
    public double Share => Volatile.Read(ref _share);

    /// <summary>Requests sent to this backend that have not ended.</summary>
    /// <remarks>Ended is read before started: every end follows its start, so the difference is never negative.</remarks>
    public int InFlight
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            long ended = Volatile.Read(ref _ended);
            return (int)(Volatile.Read(ref _started) - ended);
        }
    }

    /// <summary>Requests ended on this backend since start.</summary>
    public long Requests => Volatile.Read(ref _ended);

    /// <summary>Requests that failed on this backend since start (transport error or 5xx).</summary>
    public long Failures => Volatile.Read(ref _failures);

    /// <summary>Exponentially smoothed latency in ms; 0 until the first outcome.</summary>
    public double EwmaLatencyMs => Volatile.Read(ref _ewmaLatencyMs);

    /// <summary>Exponentially smoothed failure rate in [0, 1].</summary>
    public double EwmaErrorRate => Volatile.Read(ref _ewmaErrorRate);

    /// <summary>The last health report received from the backend.</summary>
    public HealthReport Health => Volatile.Read(ref _health);

    /// <summary>CPU of the last health report as a fraction (percent / 100), negative when unknown; computed when the report arrives, so picks do not divide.</summary>
    internal double CpuFraction => Volatile.Read(ref _cpuFraction);

    /// <summary>Active requests of the last health report, -1 when unknown.</summary>
    internal int ReportedActive => Volatile.Read(ref _reportedActive);

    /// <summary>Status of the last health report.</summary>
    internal HealthStatus ReportedStatus => (HealthStatus)Volatile.Read(ref _reportedStatus);

    /// <summary>Takes the backend in or out of rotation for its health (active checks, connect probes).</summary>
    public void SetAvailable(bool available) => SetOut(OutReason.Health, !available);

    /// <summary>Sets or clears one reason the backend is out of rotation; it is in only when no reason is set.</summary>
    public void SetOut(OutReason reason, bool isOut)
    {
        if (isOut)
        {
            Interlocked.Or(ref _out, (int)reason);
        }
        else
        {
            Interlocked.And(ref _out, ~(int)reason);
        }
    }

    /// <summary>Sets the share of its picks the backend keeps (slow start), clamped to (0, 1].</summary>
    public void SetShare(double share) => Volatile.Write(ref _share, Math.Clamp(share, 0.01, 1.0));

    /// <summary>Offers one probe request (a half-open circuit breaker): the backend is back in rotation until a pick takes the probe.</summary>
    internal void OfferProbe()
    {
        Volatile.Write(ref _probeOffered, 1);
        SetOut(OutReason.Breaker, false);
    }

    /// <summary>Withdraws an offered probe that no pick took.</summary>
    internal void WithdrawProbe() => Volatile.Write(ref _probeOffered, 0);

    /// <summary>Called for every pick of this backend: the pick that takes an offered probe puts the backend out again until the probe's outcome.</summary>
    /// <returns>True for the pick that took the probe.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool TakeProbe()
    {
        if (Volatile.Read(ref _probeOffered) == 0 || Interlocked.Exchange(ref _probeOffered, 0) == 0)
        {
            return false;
        }

        SetOut(OutReason.Breaker, true);
        return true;
    }

    /// <summary>Publishes a new health report.</summary>
    /// <remarks>The derived values are written before the report: a pick racing with this call
    /// may combine, say, the new CPU with the old active count for one pick. A policy that weighs
    /// reports that arrive once a second takes that as it takes any stale report.</remarks>
    public void SetHealth(HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        Volatile.Write(ref _cpuFraction, report.CpuPercent >= 0 ? report.CpuPercent / 100 : -1);
        Volatile.Write(ref _reportedActive, report.ActiveRequests);
        Volatile.Write(ref _reportedStatus, (byte)report.Status);
        Volatile.Write(ref _health, report);
    }

    /// <summary>Counts a request sent to this backend.</summary>
    public void OnStarted() => Interlocked.Increment(ref _started);

    /// <summary>Counts the end of a request and folds its outcome into the smoothed values.</summary>
    public void OnEnded(in RequestOutcome outcome)
    {
        Interlocked.Increment(ref _ended);
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
        long requests = source.Requests;
        Volatile.Write(ref _ended, requests);
        Volatile.Write(ref _started, requests + inFlight);
        Volatile.Write(ref _failures, source.Failures);
        Volatile.Write(ref _ewmaLatencyMs, source.EwmaLatencyMs);
        Volatile.Write(ref _ewmaErrorRate, source.EwmaErrorRate);
        SetHealth(source.Health);
        Volatile.Write(ref _out, (int)source.Out);
        _weight = source.Weight;
    }

    private static void UpdateEwma(ref double location, double sample, double alpha, bool seedWithFirst)
    {
        double current = Volatile.Read(ref location);
        while (true)
        {
            double next = seedWithFirst && current == 0 ? sample : current + (alpha * (sample - current));
            if (BitConverter.DoubleToInt64Bits(next) == BitConverter.DoubleToInt64Bits(current))
            {
                // Converged (a steady latency, or an error rate at 0 with no failures): the write
                // would store the same bits, and skipping it leaves the line shared in every
                // core's cache instead of taking it for a compare-and-swap on every request.
                return;
            }

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

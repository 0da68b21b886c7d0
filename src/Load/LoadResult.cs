using HdrHistogram;

namespace FastLb.Load;

/// <summary>What a finished run measured. Latencies are in microseconds in <see cref="Histogram"/> (HdrHistogram, 3 significant digits) and in ms in the accessors.</summary>
public sealed class LoadResult
{
    internal LoadResult(LoadOptions options, HistogramBase histogram, long sent, long[] statusClasses, long timeouts, long transport, long dropped, double spanS, double achievedRps, bool cancelled)
    {
        Options = options;
        Histogram = histogram;
        Sent = sent;
        StatusClasses = statusClasses;
        Timeouts = timeouts;
        TransportErrors = transport;
        Dropped = dropped;
        SpanS = spanS;
        AchievedRps = achievedRps;
        Cancelled = cancelled;
    }

    /// <summary>The options the run used.</summary>
    public LoadOptions Options { get; }

    /// <summary>Latency of every finished request (responses and failures; not dropped ones), in microseconds from its intended send time.</summary>
    public HistogramBase Histogram { get; }

    /// <summary>Requests started after the warm-up (dropped ones included).</summary>
    public long Sent { get; }

    /// <summary>Responses by status class: index 1 for 1xx ... 5 for 5xx (index 0 for anything else).</summary>
    public IReadOnlyList<long> StatusClasses { get; }

    /// <summary>Responses of any status.</summary>
    public long Responses => StatusClasses.Sum();

    /// <summary>Requests with no response within the timeout.</summary>
    public long Timeouts { get; }

    /// <summary>Requests whose connection failed or broke.</summary>
    public long TransportErrors { get; }

    /// <summary>Open loop: requests not sent because too many were in flight.</summary>
    public long Dropped { get; }

    /// <summary>5xx responses, timeouts, transport failures and dropped requests.</summary>
    public long Errors => StatusClasses[5] + Timeouts + TransportErrors + Dropped;

    /// <summary>Seconds from the end of the warm-up to the last finished request.</summary>
    public double SpanS { get; }

    /// <summary>Whether the run was stopped early (Ctrl-C).</summary>
    public bool Cancelled { get; }

    /// <summary>The rate requests actually went out: measured sends handed to the HTTP client, per second from the measured window's start to the last send.</summary>
    public double AchievedRps { get; }

    /// <summary>Responses per second: over the run's duration in open loop (the requests started in it), over <see cref="SpanS"/> in closed loop.</summary>
    public double ThroughputRps => Options.Closed ? (SpanS > 0 ? Responses / SpanS : 0) : Responses / Options.Duration.TotalSeconds;

    /// <summary><see cref="Errors"/> over <see cref="Sent"/>.</summary>
    public double ErrorRate => Sent > 0 ? (double)Errors / Sent : 0;

    /// <summary>The latency at <paramref name="percentile"/> (0-100), in ms.</summary>
    public double PercentileMs(double percentile) => Histogram.TotalCount == 0 ? 0 : Histogram.GetValueAtPercentile(percentile) / 1000.0;

    /// <summary>Mean latency, ms.</summary>
    public double MeanMs => Histogram.TotalCount == 0 ? 0 : Histogram.GetMean() / 1000.0;

    /// <summary>Standard deviation of latency, ms.</summary>
    public double StdDevMs => Histogram.TotalCount == 0 ? 0 : Histogram.GetStdDeviation() / 1000.0;

    /// <summary>Largest latency, ms.</summary>
    public double MaxMs => Histogram.TotalCount == 0 ? 0 : Histogram.GetMaxValue() / 1000.0;
}

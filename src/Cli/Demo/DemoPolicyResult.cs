namespace FastLb.Cli.Demo;

/// <summary>What one policy measured over all its compare turns (client-side latency from the load generator; shares and retries from the proxy's request log).</summary>
internal sealed class DemoPolicyResult
{
    /// <summary>Policy name.</summary>
    public required string Policy { get; init; }

    /// <summary>Requests sent in its turns.</summary>
    public long Requests { get; init; }

    /// <summary>Responses of any status.</summary>
    public long Responses { get; init; }

    /// <summary>Median latency, ms.</summary>
    public double P50Ms { get; init; }

    /// <summary>90th percentile, ms.</summary>
    public double P90Ms { get; init; }

    /// <summary>95th percentile, ms.</summary>
    public double P95Ms { get; init; }

    /// <summary>99th percentile, ms.</summary>
    public double P99Ms { get; init; }

    /// <summary>99.9th percentile, ms.</summary>
    public double P999Ms { get; init; }

    /// <summary>Largest, ms.</summary>
    public double MaxMs { get; init; }

    /// <summary>Mean, ms.</summary>
    public double MeanMs { get; init; }

    /// <summary>Standard deviation, ms.</summary>
    public double StdDevMs { get; init; }

    /// <summary>Responses per second of its turns.</summary>
    public double ThroughputRps { get; init; }

    /// <summary>Responses below 500 per second.</summary>
    public double GoodputRps { get; init; }

    /// <summary>5xx, timeouts, transport failures and dropped requests over requests.</summary>
    public double ErrorRate { get; init; }

    /// <summary>Timeouts over requests.</summary>
    public double TimeoutRate { get; init; }

    /// <summary>5xx responses.</summary>
    public long ServerErrors { get; init; }

    /// <summary>Transport failures (no response).</summary>
    public long ConnectErrors { get; init; }

    /// <summary>Attempts after the first, from the request log.</summary>
    public long Retries { get; init; }

    /// <summary>pool/instance to its share of the pool's attempts.</summary>
    public required IReadOnlyDictionary<string, double> Share { get; init; }

    /// <summary>Coefficient of variation of attempts across a pool's backends, averaged over the pools.</summary>
    public double LoadCv { get; init; }

    /// <summary>p99 of every request sent while the degrading instance was slow, ms.</summary>
    public double DegradedP99Ms { get; init; }

    /// <summary>p99 of the degraded pool's requests in that window, ms.</summary>
    public double DegradedPoolP99Ms { get; init; }

    /// <summary>Error rate of the failing instance's pool while it failed.</summary>
    public double FailingPoolErrorRate { get; init; }

    /// <summary>p99 of each round, in order, ms.</summary>
    public required IReadOnlyList<double> P99MsByRound { get; init; }
}

using FastLb.Policy;

namespace FastLb.Proxy.Configuration;

/// <summary>A validated pool.</summary>
internal sealed record PoolConfig(string Name, string Policy, IReadOnlyList<BackendConfig> Backends, HealthCheckOptions? HealthCheck)
{
    /// <summary>Where the affinity key of a request comes from.</summary>
    public HashKeySource HashKey { get; init; } = HashKeySource.Client;

    /// <summary>How long a request may take before its client gives up, in ms; null when the pool has no deadline.</summary>
    public int? DeadlineMs { get; init; }

    /// <summary>When each backend's circuit breaker opens and for how long.</summary>
    public BreakerSettings Breaker { get; init; } = BreakerSettings.Default;

    /// <summary>Response statuses the breaker counts as failures, besides transport errors and timeouts.</summary>
    public int[] BreakerStatuses { get; init; } = [];

    /// <summary>Latency outlier ejection; null when off.</summary>
    public OutlierOptions? Outlier { get; init; }

    /// <summary>Slow-start ramp in ms; 0 when off.</summary>
    public int SlowStartMs { get; init; }

    /// <summary>Retries allowed as a percentage of the pool's requests over the last 10 s.</summary>
    public double RetryBudgetPercent { get; init; } = 20;

    /// <summary>Retries allowed per second whatever the traffic.</summary>
    public double RetryBudgetMinPerSecond { get; init; } = 3;

    /// <summary>Requests in flight per backend; <see cref="int.MaxValue"/> for no cap.</summary>
    public int MaxInFlightPerBackend { get; init; } = int.MaxValue;

    /// <summary>Requests that may wait for a backend below the cap.</summary>
    public int QueueSize { get; init; }

    /// <summary>Time a request may wait in the queue, in ms.</summary>
    public int QueueTimeoutMs { get; init; } = 1000;

    /// <summary>Whether the breaker counts <paramref name="status"/> as a failure.</summary>
    /// <remarks>Asked for every response: an array scan, no enumerator.</remarks>
    public bool BreakerCounts(int status) => Array.IndexOf(BreakerStatuses, status) >= 0;
}

namespace FastLb.Proxy.Configuration;

/// <summary>A validated pool.</summary>
internal sealed record PoolConfig(string Name, string Policy, IReadOnlyList<BackendConfig> Backends, HealthCheckOptions? HealthCheck)
{
    /// <summary>Where the affinity key of a request comes from.</summary>
    public HashKeySource HashKey { get; init; } = HashKeySource.Client;

    /// <summary>How long a request may take before its client gives up, in ms; null when the pool has no deadline.</summary>
    public int? DeadlineMs { get; init; }
}

namespace FastLb.Proxy.Configuration;

/// <summary>A validated pool.</summary>
internal sealed record PoolConfig(string Name, string Policy, IReadOnlyList<BackendConfig> Backends, HealthCheckOptions? HealthCheck)
{
    /// <summary>Where the affinity key of a request comes from.</summary>
    public HashKeySource HashKey { get; init; } = HashKeySource.Client;
}

namespace FastLb.Proxy.Configuration;

/// <summary>A validated pool.</summary>
internal sealed record PoolConfig(string Name, string Policy, IReadOnlyList<BackendConfig> Backends, HealthCheckOptions? HealthCheck);

namespace FastLb.Simulation;

/// <summary>How to run a scenario: seed, length overrides, request log, progress.</summary>
internal sealed class SimulationOptions
{
    /// <summary>The run's seed; every random stream and each policy's seed derive from it.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Stop after this many measured requests have arrived; null for the scenario's duration.</summary>
    public long? MaxRequests { get; init; }

    /// <summary>Measured seconds instead of the scenario's (a ramp's steps are scaled to fit); null to keep it.</summary>
    public double? DurationS { get; init; }

    /// <summary>Warm-up seconds instead of the scenario's; null to keep it.</summary>
    public double? WarmupS { get; init; }

    /// <summary>When set, every attempt is written here as a request log line (no header: the caller writes it once).</summary>
    public Stream? Log { get; init; }

    /// <summary>The request log's <c>pool</c> column.</summary>
    public string PoolName { get; init; } = "sim";

    /// <summary>Called now and then with the fraction of the run done, 0 to 1.</summary>
    public Action<double>? Progress { get; init; }
}

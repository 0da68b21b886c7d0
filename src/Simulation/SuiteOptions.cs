using FastLb.Policy;
using FastLb.Policy.Catalog;
using FastLb.Policy.Learning;
using FastLb.Policy.Prediction;

namespace FastLb.Simulation;

/// <summary>What a suite runs: every scenario for every policy over consecutive seeds, and how (length, model, deadline, log).</summary>
internal sealed class SuiteOptions
{
    /// <summary>The scenarios, run in this order.</summary>
    public required IReadOnlyList<Scenario> Scenarios { get; init; }

    /// <summary>Policy names, run in this order; a name that cannot be created is skipped with its reason.</summary>
    public required IReadOnlyList<string> Policies { get; init; }

    /// <summary>The first seed.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Seeds per policy (seed, seed+1, ...), merged into one result.</summary>
    public int Seeds { get; init; } = 1;

    /// <summary>Stop each run after this many measured requests; null for the scenario's duration.</summary>
    public long? MaxRequests { get; init; }

    /// <summary>Measured seconds instead of each scenario's; null to keep it.</summary>
    public double? DurationS { get; init; }

    /// <summary>Warm-up seconds instead of each scenario's; null to keep it.</summary>
    public double? WarmupS { get; init; }

    /// <summary>When set, every simulated attempt is written here as a request-log line (the caller writes the header).</summary>
    public Stream? Log { get; init; }

    /// <summary>The latency model handed to the policies that use one (fastlb); null runs them model-free.</summary>
    public ILatencyModel? Model { get; init; }

    /// <summary>The state encoding of q_learning.</summary>
    public QStateEncoding QEncoding { get; init; } = QStateEncoding.Auto;

    /// <summary>Whether policies are told the scenario's deadline (so fastlb may shed); false hides it.</summary>
    public bool Shed { get; init; } = true;

    /// <summary>Makes a policy by name for a run; null uses <see cref="PolicyFactory"/> (and <see cref="QEncoding"/> for q_learning).</summary>
    /// <remarks>The context already carries <see cref="Model"/> and the deadline; tests use this to inject a failing policy.</remarks>
    public Func<string, PolicyContext, IRoutingPolicy>? CreatePolicy { get; init; }

    /// <summary>Called when one scenario-policy run starts; returns what is told the fraction of that run done, 1 when it ends.</summary>
    public Func<Scenario, string, Action<double>>? Progress { get; init; }
}

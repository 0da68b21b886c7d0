using FastLb.Proxy.Transport;

namespace FastLb.Proxy.Runtime;

/// <summary>What <see cref="RuntimeBuilder.Build"/> made: the next snapshot, and what publishing it must do to the state it keeps.</summary>
internal sealed class RuntimeBuild
{
    /// <summary>The next generation.</summary>
    public RoutingSnapshot Snapshot { get; set; } = null!;

    /// <summary>One line per pool or backend change, for the reload's answer and log.</summary>
    public List<string> Changes { get; } = [];

    /// <summary>Keep-alive pools of backends that leave (removed, in a removed pool, or given a new pool), to close once the new generation runs.</summary>
    public List<UpstreamPool> Retired { get; } = [];

    /// <summary>Changes to kept state (weights, keep-alive timeouts), run when the snapshot is published and not before.</summary>
    public List<Action> Commit { get; } = [];
}

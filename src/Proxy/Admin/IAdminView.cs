using FastLb.Proxy.Configuration;
using FastLb.Proxy.Logging;
using FastLb.Proxy.Metrics;
using FastLb.Proxy.Model;
using FastLb.Proxy.Runtime;

namespace FastLb.Proxy.Admin;

/// <summary>What the admin endpoint reads and does: the proxy as <c>/status</c>, <c>/metrics</c>, <c>/ready</c> and <c>POST /reload</c> see it.</summary>
internal interface IAdminView
{
    /// <summary>True while accepting and not draining.</summary>
    bool IsReady { get; }

    /// <summary>True once shutdown began.</summary>
    bool IsDraining { get; }

    /// <summary>When the proxy started.</summary>
    DateTimeOffset StartedAt { get; }

    /// <summary>The clock.</summary>
    TimeProvider Time { get; }

    /// <summary>Process-wide counters.</summary>
    ProxyMetrics Metrics { get; }

    /// <summary>The listeners with the addresses actually bound.</summary>
    IReadOnlyList<BoundListener> Listeners { get; }

    /// <summary>The pools of the config in use.</summary>
    IReadOnlyList<PoolRuntime> Pools { get; }

    /// <summary>The rate limit and JWT checks of the routes that have them, under the config in use.</summary>
    IReadOnlyList<Edge.RouteEdge> RouteEdges { get; }

    /// <summary>The request log, when configured.</summary>
    RequestLogWriter? Log { get; }

    /// <summary>The latency model watcher, when a policy uses a model.</summary>
    ModelWatcher? Model { get; }

    /// <summary>Where a reload reads the config from; null when the proxy runs from flags.</summary>
    ConfigSource? Source { get; }

    /// <summary>Config reloads so far.</summary>
    ReloadStatus ReloadStatus { get; }

    /// <summary>Reads the config file again and applies it, or refuses it whole.</summary>
    Task<ReloadResult> ReloadAsync();
}

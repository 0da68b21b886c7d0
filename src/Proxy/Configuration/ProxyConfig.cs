using System.Net;

namespace FastLb.Proxy.Configuration;

/// <summary>The validated, immutable configuration the proxy runs from.</summary>
internal sealed record ProxyConfig(
    IPEndPoint Admin,
    IReadOnlyList<ListenerConfig> Listeners,
    IReadOnlyList<RouteConfig> Routes,
    IReadOnlyList<PoolConfig> Pools,
    LimitsOptions Limits,
    string? ModelPath,
    RequestLogOptions RequestLog);

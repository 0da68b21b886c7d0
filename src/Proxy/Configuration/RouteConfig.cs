using FastLb.Policy;

namespace FastLb.Proxy.Configuration;

/// <summary>A validated route; <see cref="Host"/> is lower case without port, null for any host.</summary>
internal sealed record RouteConfig(string Listener, string? Host, string PathPrefix, string Pool)
{
    /// <summary>How the route's requests are retried.</summary>
    public RetrySettings Retry { get; init; } = RetrySettings.Default;

    /// <summary>Connect timeout of the route's requests, in ms; null uses <c>limits.upstreamConnectTimeoutMs</c>.</summary>
    public int? ConnectTimeoutMs { get; init; }

    /// <summary>Response-head timeout of the route's requests, in ms; null uses <c>limits.responseHeaderTimeoutMs</c>.</summary>
    public int? ResponseHeaderTimeoutMs { get; init; }

    /// <summary>Time a request of the route may take in all, in ms; null for no limit.</summary>
    public int? TotalTimeoutMs { get; init; }

    /// <summary>Hedging of the route's idempotent requests without a body; null for none.</summary>
    public HedgeOptions? Hedge { get; init; }

    /// <summary>The route's rate limits; null for none.</summary>
    public RateLimitConfig? RateLimit { get; init; }

    /// <summary>The route's JWT check; null for none.</summary>
    public JwtConfig? Jwt { get; init; }
}

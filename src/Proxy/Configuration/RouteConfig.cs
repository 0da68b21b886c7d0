namespace FastLb.Proxy.Configuration;

/// <summary>A validated route; <see cref="Host"/> is lower case without port, null for any host.</summary>
internal sealed record RouteConfig(string Listener, string? Host, string PathPrefix, string Pool)
{
    /// <summary>The route's rate limits; null for none.</summary>
    public RateLimitConfig? RateLimit { get; init; }

    /// <summary>The route's JWT check; null for none.</summary>
    public JwtConfig? Jwt { get; init; }
}

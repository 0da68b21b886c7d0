using FastLb.Proxy.Configuration;

namespace FastLb.Proxy.Edge;

/// <summary>What one route checks before a request is forwarded: its rate limits, then its JWT.</summary>
/// <remarks>Made only for routes that configure a check; other routes have none and pay nothing.</remarks>
internal sealed class RouteEdge
{
    /// <summary>Makes the checks of <paramref name="route"/>, keeping <paramref name="limiter"/> and <paramref name="metrics"/> when carried over from the previous generation.</summary>
    public RouteEdge(RouteConfig route, RateLimiter? limiter, JwtValidator? jwt, RouteEdgeMetrics metrics)
    {
        Route = route;
        Key = KeyOf(route);
        Label = (route.Host ?? "") + route.PathPrefix;
        Limiter = limiter;
        Jwt = jwt;
        Metrics = metrics;
    }

    /// <summary>The route.</summary>
    public RouteConfig Route { get; }

    /// <summary>Identifies the route across reloads: listener, host and path prefix.</summary>
    public string Key { get; }

    /// <summary>The <c>route</c> label: the host (when the route names one) and the path prefix.</summary>
    public string Label { get; }

    /// <summary>The rate limits; null when the route has none.</summary>
    public RateLimiter? Limiter { get; }

    /// <summary>The JWT check; null when the route has none.</summary>
    public JwtValidator? Jwt { get; }

    /// <summary>The route's counters.</summary>
    public RouteEdgeMetrics Metrics { get; }

    /// <summary>The key of <paramref name="route"/> across reloads.</summary>
    public static string KeyOf(RouteConfig route) => $"{route.Listener}\u0001{route.Host}\u0001{route.PathPrefix}";

    /// <summary>Checks a request: rate limits first (cheap, and they bound the tokens a client can make us verify), then the token.</summary>
    /// <param name="clientHash">The client's address hash.</param>
    /// <param name="timestamp">The request's <see cref="TimeProvider.GetTimestamp"/>.</param>
    /// <param name="authorization">The Authorization header's value; empty when none.</param>
    /// <param name="nowUnixSeconds">Wall-clock time for the token's claims.</param>
    /// <param name="identity">The verified token's identity, whose fields go to the backend; null when the route checks no token.</param>
    /// <remarks>Hot path: guarded by RateLimiterBenchmarks and JwtValidatorBenchmarks.</remarks>
    public EdgeVerdict Check(ulong clientHash, long timestamp, ReadOnlySpan<byte> authorization, long nowUnixSeconds, out JwtIdentity? identity)
    {
        identity = null;
        if (Limiter is { } limiter && !limiter.TryAcquire(clientHash, timestamp, out int retryAfter, out RateLimitScope scope))
        {
            Metrics.CountRateLimited(scope);
            return EdgeVerdict.RateLimited(retryAfter);
        }

        if (Jwt is { } jwt)
        {
            AuthFailure failure = jwt.Validate(authorization, nowUnixSeconds, out identity);
            if (failure != AuthFailure.None)
            {
                Metrics.CountAuthRejected(failure);
                identity = null;
                return EdgeVerdict.Unauthorized(failure == AuthFailure.Role ? 403 : 401, jwt.Challenge(failure));
            }
        }

        return EdgeVerdict.Pass;
    }
}

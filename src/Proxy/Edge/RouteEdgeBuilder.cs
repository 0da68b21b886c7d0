using FastLb.Proxy.Configuration;

namespace FastLb.Proxy.Edge;

/// <summary>Makes the <see cref="RouteEdge"/> of every route that configures a check, at start and on each reload.</summary>
internal static class RouteEdgeBuilder
{
    /// <summary>The checks of <paramref name="routes"/>, indexed like them (null for a route without one), keeping from <paramref name="previous"/> what may outlive a generation.</summary>
    /// <remarks>
    /// A route is known by listener, host and path prefix. One that stays keeps its counters, and its
    /// buckets when its <c>rateLimit</c> is unchanged (a changed one starts with full buckets). The JWT
    /// check is always made again, so a reload reads the JWKS file again and new keys apply at once.
    /// </remarks>
    public static RouteEdge?[] Build(IReadOnlyList<RouteConfig> routes, IReadOnlyList<RouteEdge>? previous, TimeProvider time)
    {
        var edges = new RouteEdge?[routes.Count];
        for (int i = 0; i < routes.Count; i++)
        {
            RouteConfig route = routes[i];
            if (route.RateLimit is null && route.Jwt is null)
            {
                continue;
            }

            RouteEdge? old = Find(previous, RouteEdge.KeyOf(route));
            RateLimiter? limiter = route.RateLimit is null ? null
                : old?.Limiter is { } kept && kept.Config == route.RateLimit ? kept
                : new RateLimiter(route.RateLimit, time);
            JwtValidator? jwt = route.Jwt is null ? null : new JwtValidator(route.Jwt);
            edges[i] = new RouteEdge(route, limiter, jwt, old?.Metrics ?? new RouteEdgeMetrics());
        }

        return edges;
    }

    private static RouteEdge? Find(IReadOnlyList<RouteEdge>? edges, string key)
    {
        if (edges is not null)
        {
            foreach (RouteEdge edge in edges)
            {
                if (edge.Key == key)
                {
                    return edge;
                }
            }
        }

        return null;
    }
}

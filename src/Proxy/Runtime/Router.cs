using System.Text;
using FastLb.Proxy.Configuration;
using FastLb.Proxy.Edge;

namespace FastLb.Proxy.Runtime;

/// <summary>Matches a request's Host and path to a pool, for one listener.</summary>
/// <remarks>
/// Routes are kept most specific first: a route naming a host before one for any host, then
/// longer path prefixes before shorter ones, so the first match is the best one. A prefix
/// matches whole path segments only: <c>/api</c> matches <c>/api</c>, <c>/api/x</c> and
/// <c>/api?q</c>, not <c>/apix</c>.
/// </remarks>
internal sealed class Router
{
    private readonly Entry[] _entries;
    private readonly PoolRuntime? _defaultPool;

    /// <summary>Builds the router of listener <paramref name="listener"/>; <paramref name="edges"/>, indexed like <paramref name="routes"/>, holds each route's checks (null: none).</summary>
    public Router(string listener, IReadOnlyList<RouteConfig> routes, IReadOnlyDictionary<string, PoolRuntime> pools, PoolRuntime? defaultPool, IReadOnlyList<RouteEdge?>? edges = null)
    {
        var entries = new List<Entry>();
        int index = -1;
        foreach (RouteConfig route in routes)
        {
            index++;
            if (route.Listener == listener)
            {
                PoolRuntime pool = pools[route.Pool];
                int routeId = IndexOf(pool.Config.Name, route.PathPrefix, routes);
                entries.Add(new Entry(
                    route.Host is null ? null : Encoding.ASCII.GetBytes(route.Host),
                    Encoding.UTF8.GetBytes(route.PathPrefix.TrimEnd('/')),
                    route,
                    routeId,
                    pool)
                {
                    Edge = edges?[index],
                });
            }
        }

        entries.Sort(static (a, b) =>
            (a.Host is null).CompareTo(b.Host is null) is int byHost and not 0 ? byHost : b.Prefix.Length.CompareTo(a.Prefix.Length));
        _entries = [.. entries];
        _defaultPool = defaultPool;
    }

    /// <summary>Finds the pool for <paramref name="host"/> (may carry a port) and <paramref name="path"/>; false when no route matches.</summary>
    /// <remarks>Hot path: guarded by ProxyRelayBenchmarks. Byte comparisons only.</remarks>
    /// <param name="host">The request's Host.</param>
    /// <param name="path">The request's path.</param>
    /// <param name="pool">The pool matched; the listener's default pool when no route matches.</param>
    /// <param name="route">The route matched, null for the default pool.</param>
    /// <param name="routeId">The route's position among the pool's route prefixes (the policy's route feature), -1 for none.</param>
    public bool TryMatch(ReadOnlySpan<byte> host, ReadOnlySpan<byte> path, out PoolRuntime? pool, out RouteConfig? route, out int routeId) =>
        TryMatch(host, path, out pool, out route, out routeId, out _);

    /// <summary>As <see cref="TryMatch(ReadOnlySpan{byte}, ReadOnlySpan{byte}, out PoolRuntime?, out RouteConfig?, out int)"/>, also giving the matched route's checks (null when it has none, or no route matched).</summary>
    /// <remarks>Hot path: guarded by ProxyRelayBenchmarks. Byte comparisons only.</remarks>
    public bool TryMatch(ReadOnlySpan<byte> host, ReadOnlySpan<byte> path, out PoolRuntime? pool, out RouteConfig? route, out int routeId, out RouteEdge? edge)
    {
        host = StripPort(host);
        if (path.IsEmpty)
        {
            path = "/"u8;
        }

        foreach (Entry entry in _entries)
        {
            if (entry.Host is not null && !System.Text.Ascii.EqualsIgnoreCase(host, entry.Host))
            {
                continue;
            }

            if (path.StartsWith(entry.Prefix) && (path.Length == entry.Prefix.Length || path[entry.Prefix.Length] is (byte)'/' or (byte)'?'))
            {
                pool = entry.Pool;
                route = entry.Route;
                routeId = entry.RouteId;
                edge = entry.Edge;
                return true;
            }
        }

        pool = _defaultPool;
        route = null;
        routeId = -1;
        edge = null;
        return pool is not null;
    }

    /// <summary>The position of <paramref name="prefix"/> among the route prefixes that lead to <paramref name="pool"/>: the policy's route id.</summary>
    public static int IndexOf(string pool, string prefix, IReadOnlyList<RouteConfig> routes)
    {
        List<string> prefixes = RoutesOf(pool, routes);
        return prefixes.IndexOf(prefix);
    }

    /// <summary>The distinct path prefixes of the routes leading to <paramref name="pool"/>, in config order.</summary>
    public static List<string> RoutesOf(string pool, IReadOnlyList<RouteConfig> routes)
    {
        var prefixes = new List<string>();
        foreach (RouteConfig route in routes)
        {
            if (route.Pool == pool && !prefixes.Contains(route.PathPrefix))
            {
                prefixes.Add(route.PathPrefix);
            }
        }

        return prefixes;
    }

    private static ReadOnlySpan<byte> StripPort(ReadOnlySpan<byte> host)
    {
        int colon = host.LastIndexOf((byte)':');
        int bracket = host.LastIndexOf((byte)']');
        return colon > bracket ? host[..colon] : host;
    }

    private sealed record Entry(byte[]? Host, byte[] Prefix, RouteConfig Route, int RouteId, PoolRuntime Pool)
    {
        /// <summary>The route's rate limit and JWT checks; null when it has none.</summary>
        public RouteEdge? Edge { get; init; }
    }
}

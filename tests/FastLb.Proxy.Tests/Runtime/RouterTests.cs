using System.Text;
using FastLb.Policy;
using FastLb.Policy.Baselines;
using FastLb.Proxy.Configuration;
using FastLb.Proxy.Forwarding;
using FastLb.Proxy.Runtime;

namespace FastLb.Proxy.Tests.Runtime;

public sealed class RouterTests
{
    private static PoolRuntime Pool(string name) =>
        new(new PoolConfig(name, "round_robin", [], null), new Balancer(new RoundRobinPolicy(), []), []);

    private static Router Build(PoolRuntime? fallback = null)
    {
        RouteConfig[] routes =
        [
            new("web", null, "/", "web"),
            new("web", null, "/api", "api"),
            new("web", null, "/api/inventory", "inventory"),
            new("web", "shop.example", "/", "shop"),
            new("other", null, "/", "other"),
        ];
        var pools = new Dictionary<string, PoolRuntime>
        {
            ["web"] = Pool("web"), ["api"] = Pool("api"), ["inventory"] = Pool("inventory"), ["shop"] = Pool("shop"), ["other"] = Pool("other"),
        };
        return new Router("web", routes, pools, fallback);
    }

    [Theory]
    [InlineData("any.test", "/", "web")]
    [InlineData("any.test", "/api", "api")]
    [InlineData("any.test", "/api/", "api")]
    [InlineData("any.test", "/api?x=1", "api")]
    [InlineData("any.test", "/apix", "web")]
    [InlineData("any.test", "/api/inventory/products", "inventory")]
    [InlineData("SHOP.example:8080", "/api/inventory", "shop")]
    [InlineData("shop.example", "/anything", "shop")]
    [InlineData("any.test", "", "web")]
    public void TryMatch_MostSpecificRouteWins(string host, string path, string pool)
    {
        Router router = Build();

        bool found = router.TryMatch(Encoding.ASCII.GetBytes(host), Encoding.ASCII.GetBytes(path), out PoolRuntime? matched, out _, out _);

        Assert.True(found);
        Assert.Equal(pool, matched!.Name);
    }

    [Fact]
    public void TryMatch_NoRouteAndNoDefault_False()
    {
        var router = new Router("web", [new RouteConfig("web", null, "/api", "api")], new Dictionary<string, PoolRuntime> { ["api"] = Pool("api") }, null);

        Assert.False(router.TryMatch("x"u8, "/other"u8, out _, out _, out _));
    }

    [Fact]
    public void TryMatch_RouteIds_IndexThePoolsRouteList()
    {
        RouteConfig[] routes = [new("web", null, "/a", "p"), new("web", null, "/b", "p")];
        var router = new Router("web", routes, new Dictionary<string, PoolRuntime> { ["p"] = Pool("p") }, null);

        router.TryMatch("x"u8, "/b/1"u8, out _, out RouteConfig? route, out int routeId);

        Assert.Equal("/b", route!.PathPrefix);
        Assert.Equal(1, routeId);
        Assert.Equal(["/a", "/b"], Router.RoutesOf("p", routes));
    }
}

using System.Net;
using FastLb.Backends.Hosting;
using FastLb.Backends.Tests.Support;

namespace FastLb.Backends.Tests.Hosting;

/// <summary>StartShopAsync: the demo's whole shop, reachable through one gateway.</summary>
public sealed class ShopTests
{
    [Fact]
    public async Task StartShop_BehindGateway_RegisterLoginCartOrderNotify()
    {
        await using TestGateway gateway = await TestGateway.StartAsync(new Dictionary<string, Uri[]>());
        var shop = await BackendHost.StartShopAsync(gateway.BaseAddress, TestServers.JwtKey);
        try
        {
            foreach (var (service, backend) in shop) gateway.SetRoute(service.ToString().ToLowerInvariant(), backend.BaseAddress);
            using HttpClient anonymous = TestBackends.Client(gateway.BaseAddress);
            await Http.PostAsync(anonymous, "/api/users/register", new { email = "demo@shop.test", password = "demo-password", name = "Demo" });
            string token = (string)(await Http.PostAsync(anonymous, "/api/users/login", new { email = "demo@shop.test", password = "demo-password" })).Body!["token"]!;
            using HttpClient user = TestBackends.Client(gateway.BaseAddress, token);

            await Http.PostAsync(user, "/api/cart/items", new { sku = "SKU-00100", quantity = 2 });
            var order = await Http.PostAsync(user, "/api/orders", new { cardNumber = "4242424242424242" });
            await Http.EventuallyAsync(async () => (int)(await Http.GetAsync(user, "/api/notifications")).Body!["count"]! == 1, TimeSpan.FromSeconds(10), "the order notification");

            Assert.Equal(6, shop.Count);
            Assert.Equal(HttpStatusCode.Created, order.Status);
            Assert.Equal("PAID", (string?)order.Body!["status"]);
            Assert.Equal(998, (int)(await Http.GetAsync(user, "/api/inventory/products/SKU-00100")).Body!["stock"]!);
        }
        finally
        {
            foreach (RunningBackend backend in shop.Values) await backend.DisposeAsync();
        }
    }
}

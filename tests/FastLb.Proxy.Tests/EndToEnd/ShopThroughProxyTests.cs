using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FastLb.Backends;
using FastLb.Backends.Hosting;
using FastLb.Proxy.Configuration;
using FastLb.Proxy.Tests.Infrastructure;

namespace FastLb.Proxy.Tests.EndToEnd;

/// <summary>The e-commerce order flow with FastLb as the gateway: clients and the orders service both go through the proxy.</summary>
public sealed class ShopThroughProxyTests
{
    private const string JwtKey = "fastlb-end-to-end-test-key-of-at-least-32-chars";

    [Fact]
    public async Task OrderFlow_ThroughProxy_PaidThenDeclinedReturnsStock()
    {
        int proxyPort = Forwarding.HttpErrorTests.FreePort();
        var gateway = new Uri($"http://127.0.0.1:{proxyPort}");
        IReadOnlyDictionary<BackendService, RunningBackend> shop = await BackendHost.StartShopAsync(gateway, JwtKey);
        try
        {
            var options = new ProxyOptions
            {
                Admin = new AdminOptions { Listen = "127.0.0.1:0" },
                Listeners = [new ListenerOptions { Name = "web", Listen = $"127.0.0.1:{proxyPort}" }],
            };
            foreach ((BackendService service, RunningBackend backend) in shop)
            {
                string name = service.ToString().ToLowerInvariant();
                options.Pools.Add(new PoolOptions { Name = name, Policy = "least_connections", Backends = [new FastLb.Proxy.Configuration.BackendOptions { Address = $"127.0.0.1:{backend.Port}" }] });
                options.Routes.Add(new RouteOptions { Listener = "web", PathPrefix = $"/api/{name}", Pool = name });
            }

            await using ProxyHost proxy = await ProxyHost.StartAsync(options);
            using var anonymous = new HttpClient { BaseAddress = gateway };
            (await anonymous.PostAsJsonAsync("/api/users/register", new { email = "e2e@shop.test", password = "e2e-password", name = "E2E" })).EnsureSuccessStatusCode();
            JsonNode login = (await (await anonymous.PostAsJsonAsync("/api/users/login", new { email = "e2e@shop.test", password = "e2e-password" })).Content.ReadFromJsonAsync<JsonNode>())!;
            using var user = new HttpClient { BaseAddress = gateway };
            user.DefaultRequestHeaders.Authorization = new("Bearer", (string)login["token"]!);
            int stockBefore = await StockAsync(user);

            (await user.PostAsJsonAsync("/api/cart/items", new { sku = "SKU-00100", quantity = 2 })).EnsureSuccessStatusCode();
            HttpResponseMessage paid = await user.PostAsJsonAsync("/api/orders", new { cardNumber = "4242424242424242" });
            JsonNode paidOrder = (await paid.Content.ReadFromJsonAsync<JsonNode>())!;

            (await user.PostAsJsonAsync("/api/cart/items", new { sku = "SKU-00100", quantity = 3 })).EnsureSuccessStatusCode();
            HttpResponseMessage declined = await user.PostAsJsonAsync("/api/orders", new { cardNumber = "4000000000000002" });
            JsonNode failedOrder = (await declined.Content.ReadFromJsonAsync<JsonNode>())!;

            Assert.Equal(HttpStatusCode.Created, paid.StatusCode);
            Assert.Equal("PAID", (string?)paidOrder["status"]);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, declined.StatusCode);
            Assert.Equal("FAILED", (string?)failedOrder["status"]);
            Assert.Equal(stockBefore - 2, await StockAsync(user));

            // Orders reached inventory, payments and cart through the proxy, not around it.
            foreach (string pool in new[] { "inventory", "payments", "cart", "orders" })
            {
                var runtime = proxy.Server.Pools.Single(p => p.Name == pool);
                Assert.True(runtime.Backends[0].State.Requests > 0, $"no request went through pool {pool}");
            }
        }
        finally
        {
            foreach (RunningBackend backend in shop.Values)
            {
                await backend.DisposeAsync();
            }
        }
    }

    private static async Task<int> StockAsync(HttpClient client)
    {
        JsonNode product = (await client.GetFromJsonAsync<JsonNode>("/api/inventory/products/SKU-00100"))!;
        return (int)product["stock"]!;
    }
}

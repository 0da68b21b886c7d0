using System.Net;
using FastLb.Backends.Hosting;
using FastLb.Backends.Tests.Support;

namespace FastLb.Backends.Tests.Cart;

/// <summary>Contract of the cart service, in memory and on Redis.</summary>
public sealed class CartEndpointsTests
{
    private static readonly Dictionary<string, string> s_guest = new() { ["X-Session-Id"] = "guest-session-0001" };

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Real)]
    public async Task UserCart_AddSetRemoveClear_Contract(StoreKind store)
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Cart, store);
        using HttpClient client = TestBackends.Client(backend, Tokens.Customer("u1"));

        await Http.PostAsync(client, "/api/cart/items", new { sku = "SKU-00002", quantity = 2 });
        var added = await Http.PostAsync(client, "/api/cart/items", new { sku = "SKU-00001", quantity = 3 });
        var addedAgain = await Http.PostAsync(client, "/api/cart/items", new { sku = "SKU-00001", quantity = 1 });
        var set = await Http.PutAsync(client, "/api/cart/items", new { sku = "SKU-00002", quantity = 7 });
        var removed = await Http.DeleteAsync(client, "/api/cart/items/SKU-00002");
        var missing = await Http.DeleteAsync(client, "/api/cart/items/SKU-00002");
        var cleared = await Http.DeleteAsync(client, "/api/cart");
        var empty = await Http.GetAsync(client, "/api/cart");

        Assert.Equal(HttpStatusCode.OK, added.Status);
        Assert.Equal("user:u1", (string?)added.Body!["owner"]);
        Assert.Equal("SKU-00001", (string?)added.Body["items"]![0]!["sku"]);
        Assert.Equal(4, (int)addedAgain.Body!["items"]![0]!["quantity"]!);
        Assert.Equal(11, (int)set.Body!["totalQuantity"]!);
        Assert.Single(removed.Body!["items"]!.AsArray());
        Http.AssertProblem(missing, HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NoContent, cleared.Status);
        Assert.Empty(empty.Body!["items"]!.AsArray());
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Real)]
    public async Task Add_TwentyConcurrent_NoneLost(StoreKind store)
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Cart, store);
        using HttpClient client = TestBackends.Client(backend, Tokens.Customer("u2"));

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Http.PostAsync(client, "/api/cart/items", new { sku = "SKU-00003", quantity = 1 })));
        var cart = await Http.GetAsync(client, "/api/cart");

        Assert.Equal(20, (int)cart.Body!["items"]![0]!["quantity"]!);
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Real)]
    public async Task Merge_GuestCartAtLogin_JoinsUserCartAndGuestCartIsGone(StoreKind store)
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Cart, store);
        using HttpClient guest = TestBackends.Client(backend);
        using HttpClient user = TestBackends.Client(backend, Tokens.Customer("u3"));
        await Http.PostAsync(guest, "/api/cart/items", new { sku = "SKU-00001", quantity = 2 }, s_guest);
        await Http.PostAsync(guest, "/api/cart/items", new { sku = "SKU-00005", quantity = 1 }, s_guest);
        await Http.PostAsync(user, "/api/cart/items", new { sku = "SKU-00001", quantity = 1 });

        var merged = await Http.PostAsync(user, "/api/cart/merge", new { sessionId = "guest-session-0001" });
        var guestAfter = await Http.SendAsync(guest, HttpMethod.Get, "/api/cart", headers: s_guest);

        Assert.Equal(HttpStatusCode.OK, merged.Status);
        Assert.Equal(3, (int)merged.Body!["items"]![0]!["quantity"]!);
        Assert.Equal("SKU-00005", (string?)merged.Body["items"]![1]!["sku"]);
        Assert.Equal("guest:guest-session-0001", (string?)guestAfter.Body!["owner"]);
        Assert.Empty(guestAfter.Body["items"]!.AsArray());
        Http.AssertProblem(await Http.PostAsync(user, "/api/cart/merge", new { sessionId = "x" }), HttpStatusCode.BadRequest, "sessionId");
        Http.AssertProblem(await Http.PostAsync(guest, "/api/cart/merge", new { sessionId = "guest-session-0001" }, s_guest), HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Real)]
    public async Task GuestCart_Idle_ExpiresButUserCartStays(StoreKind store)
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Cart, store, tweak: o => new BackendOptions
        {
            Service = o.Service, JwtKey = o.JwtKey, Redis = o.Redis, RedisKeyPrefix = o.RedisKeyPrefix, GuestCartTtl = TimeSpan.FromSeconds(1),
        });
        using HttpClient guest = TestBackends.Client(backend);
        using HttpClient user = TestBackends.Client(backend, Tokens.Customer("u4"));
        await Http.PostAsync(user, "/api/cart/items", new { sku = "SKU-00001", quantity = 2 });

        // The guest cart is read back before its second runs out (a run that took longer, on a loaded machine, is repeated).
        var before = await Http.BeforeExpiryAsync(TimeSpan.FromSeconds(1), async (_, _) =>
        {
            await Http.PostAsync(guest, "/api/cart/items", new { sku = "SKU-00001", quantity = 2 }, s_guest);
            return await Http.SendAsync(guest, HttpMethod.Get, "/api/cart", headers: s_guest);
        });
        await Http.EventuallyAsync(async () => (await Http.SendAsync(guest, HttpMethod.Get, "/api/cart", headers: s_guest)).Body!["items"]!.AsArray().Count == 0,
            TimeSpan.FromSeconds(10), "guest cart expiry");
        var userCart = await Http.GetAsync(user, "/api/cart");

        Assert.Single(before.Body!["items"]!.AsArray());
        Assert.Single(userCart.Body!["items"]!.AsArray());
    }

    [Theory]
    [InlineData("{\"quantity\": 1}", "sku")]
    [InlineData("{\"sku\": \"SKU-00001\", \"quantity\": 0}", "quantity")]
    [InlineData("{\"sku\": \"SKU-00001\", \"quantity\": 1001}", "quantity")]
    [InlineData("{\"sku\": \"SKU-00001\"}", "quantity")]
    public async Task AddItem_BadField_Returns400NamingIt(string json, string field)
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Cart, StoreKind.Memory);
        using HttpClient client = TestBackends.Client(backend, Tokens.Customer());

        Http.AssertProblem(await Http.PostAsync(client, "/api/cart/items", json), HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Cart_NoTokenNoSessionOrBadSession_Returns401Or400()
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Cart, StoreKind.Memory);
        using HttpClient client = TestBackends.Client(backend);

        Http.AssertProblem(await Http.GetAsync(client, "/api/cart"), HttpStatusCode.Unauthorized);
        Http.AssertProblem(await Http.SendAsync(client, HttpMethod.Get, "/api/cart", headers: new Dictionary<string, string> { ["X-Session-Id"] = "bad id!" }), HttpStatusCode.BadRequest, "X-Session-Id");
        Http.AssertProblem(await Http.GetAsync(TestBackends.Client(backend, Tokens.Forged()), "/api/cart"), HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Real)]
    public async Task ConvertToOrder_SelfOtherEmpty_200Or403Or409(StoreKind store)
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Cart, store);
        using HttpClient owner = TestBackends.Client(backend, Tokens.Customer("u5"));
        using HttpClient other = TestBackends.Client(backend, Tokens.Customer("u6"));
        await Http.PostAsync(owner, "/api/cart/items", new { sku = "SKU-00004", quantity = 2 });

        var converted = await Http.PostAsync(owner, "/api/cart/u5/convert-to-order");
        var forbidden = await Http.PostAsync(other, "/api/cart/u5/convert-to-order");
        var empty = await Http.PostAsync(other, "/api/cart/u6/convert-to-order");
        var byAdmin = await Http.PostAsync(TestBackends.Client(backend, Tokens.Admin()), "/api/cart/u5/convert-to-order");

        Assert.Equal(HttpStatusCode.OK, converted.Status);
        Assert.Equal(2, (int)converted.Body!["items"]![0]!["quantity"]!);
        Http.AssertProblem(forbidden, HttpStatusCode.Forbidden);
        Http.AssertProblem(empty, HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.OK, byAdmin.Status);
    }
}

using System.Net;
using FastLb.Backends.Hosting;
using FastLb.Backends.Tests.Support;

namespace FastLb.Backends.Tests.Inventory;

/// <summary>Contract of every inventory endpoint, on in-memory stores and on PostgreSQL.</summary>
public sealed class InventoryEndpointsTests
{
    private static readonly Dictionary<string, string> s_none = [];

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Real)]
    public async Task Products_Paged_ReturnsSeededCatalogInSkuOrder(StoreKind store)
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Inventory, store);
        using HttpClient client = TestBackends.Client(backend);

        var (status, body) = await Http.GetAsync(client, "/api/inventory/products?offset=10&limit=5");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(50, (int)body!["total"]!);
        Assert.Equal(5, body["items"]!.AsArray().Count);
        Assert.Equal("SKU-00011", (string?)body["items"]![0]!["sku"]);
        Assert.Equal(1000, (int)body["items"]![0]!["stock"]!);
        Assert.True((decimal)body["items"]![0]!["price"]! > 0);
    }

    [Theory]
    [InlineData(StoreKind.Memory, "limit=0", "limit")]
    [InlineData(StoreKind.Memory, "limit=x", "limit")]
    [InlineData(StoreKind.Real, "offset=-1", "offset")]
    public async Task Products_BadPaging_Returns400NamingField(StoreKind store, string query, string field)
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Inventory, store);
        using HttpClient client = TestBackends.Client(backend);

        Http.AssertProblem(await Http.GetAsync(client, "/api/inventory/products?" + query), HttpStatusCode.BadRequest, field);
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Real)]
    public async Task Product_KnownAndUnknownSku_Returns200And404(StoreKind store)
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Inventory, store);
        using HttpClient client = TestBackends.Client(backend);

        var known = await Http.GetAsync(client, "/api/inventory/products/SKU-00007");
        var unknown = await Http.GetAsync(client, "/api/inventory/products/SKU-99999");

        Assert.Equal(HttpStatusCode.OK, known.Status);
        Assert.Equal("SKU-00007", (string?)known.Body!["sku"]);
        Assert.False(string.IsNullOrEmpty((string?)known.Body["name"]));
        Http.AssertProblem(unknown, HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Real)]
    public async Task Search_Query_FindsMatchesAndMissingQueryIs400(StoreKind store)
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Inventory, store);
        using HttpClient client = TestBackends.Client(backend);
        var product = await Http.GetAsync(client, "/api/inventory/products/SKU-00003");
        string word = ((string)product.Body!["name"]!).Split(' ')[1];

        var (status, body) = await Http.GetAsync(client, "/api/inventory/search?query=" + word.ToUpperInvariant());
        var missing = await Http.GetAsync(client, "/api/inventory/search");
        var none = await Http.GetAsync(client, "/api/inventory/search?query=zzzz-no-such");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(body!["items"]!.AsArray(), p => (string?)p!["sku"] == "SKU-00003");
        Assert.All(body["items"]!.AsArray(), p => Assert.Contains(word, p!["name"] + " " + p["description"] + " " + p["category"], StringComparison.OrdinalIgnoreCase));
        Http.AssertProblem(missing, HttpStatusCode.BadRequest, "query");
        Assert.Equal(0, (int)none.Body!["total"]!);
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Real)]
    public async Task Check_Lines_ReportsAvailabilityPerLine(StoreKind store)
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Inventory, store);
        using HttpClient client = TestBackends.Client(backend, Tokens.Customer());

        var (status, body) = await Http.PostAsync(client, "/api/inventory/check", new { items = new[] { new { sku = "SKU-00001", quantity = 2 }, new { sku = "SKU-00002", quantity = 5000 } } });
        var unknown = await Http.PostAsync(client, "/api/inventory/check", new { items = new[] { new { sku = "SKU-77777", quantity = 1 } } });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False((bool)body!["available"]!);
        Assert.True((bool)body["items"]![0]!["ok"]!);
        Assert.False((bool)body["items"]![1]!["ok"]!);
        Assert.Equal(1000, (int)body["items"]![1]!["inStock"]!);
        Http.AssertProblem(unknown, HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("forged")]
    [InlineData("garbage")]
    public async Task Reserve_MissingOrBadToken_Returns401(string? token)
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Inventory, StoreKind.Memory);
        using HttpClient client = TestBackends.Client(backend, token switch { "forged" => Tokens.Forged(), null => null, _ => token });

        var answer = await Http.PostAsync(client, "/api/inventory/reserve", new { items = new[] { new { sku = "SKU-00001", quantity = 1 } } });

        Http.AssertProblem(answer, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("{\"items\": []}", "items")]
    [InlineData("{}", "items")]
    [InlineData("{\"items\": [{\"sku\": \"SKU-00001\", \"quantity\": 0}]}", "items[0].quantity")]
    [InlineData("{\"items\": [{\"sku\": \"SKU-00001\", \"quantity\": 1}, {\"quantity\": 1}]}", "items[1].sku")]
    [InlineData("{\"items\": [{\"sku\": \"SKU-00001\", \"quantity\": \"two\"}]}", "items[0].quantity")]
    [InlineData("{\"items\": 5}", "items")]
    [InlineData("nonsense", "body")]
    public async Task Reserve_BadBody_Returns400NamingField(string json, string field)
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Inventory, StoreKind.Memory);
        using HttpClient client = TestBackends.Client(backend, Tokens.Customer());

        Http.AssertProblem(await Http.PostAsync(client, "/api/inventory/reserve", json), HttpStatusCode.BadRequest, field);
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Real)]
    public async Task ReserveConfirmRelease_HappyPath_MovesStockOnceAndIsIdempotent(StoreKind store)
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Inventory, store);
        using HttpClient client = TestBackends.Client(backend, Tokens.Customer());

        var reserved = await Http.PostAsync(client, "/api/inventory/reserve", new { items = new[] { new { sku = "SKU-00002", quantity = 3 }, new { sku = "SKU-00001", quantity = 2 }, new { sku = "SKU-00002", quantity = 1 } } });
        string id = (string)reserved.Body!["reservationId"]!;
        int afterReserve = await StockAsync(client, "SKU-00002");
        var confirmed = await Http.PostAsync(client, $"/api/inventory/confirm/{id}");
        var confirmedAgain = await Http.PostAsync(client, $"/api/inventory/confirm/{id}");
        int afterConfirm = await StockAsync(client, "SKU-00002");
        var released = await Http.PostAsync(client, $"/api/inventory/release/{id}");
        var releasedAgain = await Http.PostAsync(client, $"/api/inventory/release/{id}");
        int afterRelease = await StockAsync(client, "SKU-00002");

        Assert.Equal(HttpStatusCode.Created, reserved.Status);
        Assert.Equal("PENDING", (string?)reserved.Body["status"]);
        Assert.Equal(2, reserved.Body["items"]!.AsArray().Count);
        Assert.Equal("SKU-00001", (string?)reserved.Body["items"]![0]!["sku"]);
        Assert.Equal(4, (int)reserved.Body["items"]![1]!["quantity"]!);
        Assert.True((decimal)reserved.Body["total"]! > 0);
        Assert.Equal(996, afterReserve);
        Assert.Equal("CONFIRMED", (string?)confirmed.Body!["status"]);
        Assert.Equal(HttpStatusCode.OK, confirmedAgain.Status);
        Assert.Equal(996, afterConfirm);
        Assert.Equal("RELEASED", (string?)released.Body!["status"]);
        Assert.Equal("RELEASED", (string?)releasedAgain.Body!["status"]);
        Assert.Equal(1000, afterRelease);
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Real)]
    public async Task Reserve_TooMuchOrUnknown_TakesNothing(StoreKind store)
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Inventory, store);
        using HttpClient client = TestBackends.Client(backend, Tokens.Customer());

        var tooMuch = await Http.PostAsync(client, "/api/inventory/reserve", new { items = new[] { new { sku = "SKU-00004", quantity = 5 }, new { sku = "SKU-00005", quantity = 1001 } } });
        var unknown = await Http.PostAsync(client, "/api/inventory/reserve", new { items = new[] { new { sku = "SKU-00004", quantity = 5 }, new { sku = "SKU-99999", quantity = 1 } } });

        Http.AssertProblem(tooMuch, HttpStatusCode.Conflict, "items");
        Http.AssertProblem(unknown, HttpStatusCode.NotFound);
        Assert.Equal(1000, await StockAsync(client, "SKU-00004"));
        Assert.Equal(1000, await StockAsync(client, "SKU-00005"));
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Real)]
    public async Task Reserve_SameIdempotencyKey_ReturnsFirstReservationOnce(StoreKind store)
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Inventory, store);
        using HttpClient client = TestBackends.Client(backend, Tokens.Customer());
        var headers = new Dictionary<string, string> { ["Idempotency-Key"] = "order-42" };
        var body = new { items = new[] { new { sku = "SKU-00006", quantity = 7 } } };

        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Http.PostAsync(client, "/api/inventory/reserve", body, headers)));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.Status));
        Assert.Single(answers.Select(a => (string?)a.Body!["reservationId"]).Distinct());
        Assert.Equal(993, await StockAsync(client, "SKU-00006"));
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Real)]
    public async Task ConfirmRelease_UnknownOrMalformedId_Returns404Or400(StoreKind store)
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Inventory, store);
        using HttpClient client = TestBackends.Client(backend, Tokens.Customer());

        Http.AssertProblem(await Http.PostAsync(client, $"/api/inventory/confirm/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        Http.AssertProblem(await Http.PostAsync(client, $"/api/inventory/release/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        Http.AssertProblem(await Http.PostAsync(client, "/api/inventory/confirm/not-a-uuid"), HttpStatusCode.BadRequest, "reservationId");
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Real)]
    public async Task Reservation_NotConfirmedInTime_ExpiresAndReturnsStock(StoreKind store)
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Inventory, store,
            tweak: o => new BackendOptions
            {
                Service = o.Service, JwtKey = o.JwtKey, Postgres = o.Postgres, PostgresSchema = o.PostgresSchema, CatalogSize = 5,
                ReservationTtl = TimeSpan.FromSeconds(1), SweepInterval = TimeSpan.FromMilliseconds(50),
            });
        using HttpClient client = TestBackends.Client(backend, Tokens.Customer());

        // The stock is read while the reservation holds (a run slower than its second, on a loaded machine, is
        // repeated once the stock is back, so every run starts from 1000).
        var (reserved, held) = await Http.BeforeExpiryAsync(TimeSpan.FromSeconds(1), async (attempt, watch) =>
        {
            if (attempt > 1)
            {
                await Http.EventuallyAsync(async () => await StockAsync(client, "SKU-00001") == 1000, TimeSpan.FromSeconds(10), "stock back before a new run");
                watch.Restart();
            }

            var reservation = await Http.PostAsync(client, "/api/inventory/reserve", new { items = new[] { new { sku = "SKU-00001", quantity = 10 } } });
            return (reservation, await StockAsync(client, "SKU-00001"));
        });
        await Http.EventuallyAsync(async () => await StockAsync(client, "SKU-00001") == 1000, TimeSpan.FromSeconds(10), "stock back after expiry");
        var confirm = await Http.PostAsync(client, $"/api/inventory/confirm/{reserved.Body!["reservationId"]}");

        Assert.Equal(990, held);
        Http.AssertProblem(confirm, HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Real)]
    public async Task SetStock_AdminOnly_CustomerGets403(StoreKind store)
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Inventory, store);
        using HttpClient admin = TestBackends.Client(backend, Tokens.Admin());
        using HttpClient customer = TestBackends.Client(backend, Tokens.Customer());

        var set = await Http.PutAsync(admin, "/api/inventory/products/SKU-00009/stock", new { stock = 3 });
        var denied = await Http.PutAsync(customer, "/api/inventory/products/SKU-00009/stock", new { stock = 500 });
        var unknown = await Http.PutAsync(admin, "/api/inventory/products/SKU-99999/stock", new { stock = 1 });
        var negative = await Http.PutAsync(admin, "/api/inventory/products/SKU-00009/stock", new { stock = -1 });

        Assert.Equal(3, (int)set.Body!["stock"]!);
        Http.AssertProblem(denied, HttpStatusCode.Forbidden);
        Http.AssertProblem(unknown, HttpStatusCode.NotFound);
        Http.AssertProblem(negative, HttpStatusCode.BadRequest, "stock");
        Assert.Equal(3, await StockAsync(admin, "SKU-00009"));
    }

    internal static async Task<int> StockAsync(HttpClient client, string sku)
    {
        var (_, body) = await Http.GetAsync(client, "/api/inventory/products/" + sku);
        return (int)body!["stock"]!;
    }
}

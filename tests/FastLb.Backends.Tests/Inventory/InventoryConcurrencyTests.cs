using System.Net;
using FastLb.Backends.Hosting;
using FastLb.Backends.Tests.Support;

namespace FastLb.Backends.Tests.Inventory;

/// <summary>Stock under concurrent reservations: never negative, no lost update, also across two instances on one database.</summary>
public sealed class InventoryConcurrencyTests
{
    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Real)]
    public async Task Reserve_FiftyConcurrentForLastTen_ExactlyTenSucceed(StoreKind store)
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Inventory, store);
        using HttpClient admin = TestBackends.Client(backend, Tokens.Admin());
        await Http.PutAsync(admin, "/api/inventory/products/SKU-00010/stock", new { stock = 10 });

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ =>
            Http.PostAsync(admin, "/api/inventory/reserve", new { items = new[] { new { sku = "SKU-00010", quantity = 1 } } })));

        Assert.Equal(10, answers.Count(a => a.Status == HttpStatusCode.Created));
        Assert.Equal(40, answers.Count(a => a.Status == HttpStatusCode.Conflict));
        Assert.Equal(0, await InventoryEndpointsTests.StockAsync(admin, "SKU-00010"));
    }

    [Fact]
    public async Task Reserve_TwoInstancesOnOneDatabase_NoLostUpdate()
    {
        string schema = TestServers.NewSchema("twoinv");
        await using RunningBackend first = await TestBackends.StartAsync(BackendService.Inventory, StoreKind.Real, schema);
        await using RunningBackend second = await TestBackends.StartAsync(BackendService.Inventory, StoreKind.Real, schema);
        using HttpClient a = TestBackends.Client(first, Tokens.Admin());
        using HttpClient b = TestBackends.Client(second, Tokens.Admin());
        await Http.PutAsync(a, "/api/inventory/products/SKU-00020/stock", new { stock = 25 });

        // Alternate instances, the way a round-robin proxy would, mixing two-line reservations in reverse SKU order.
        var answers = await Task.WhenAll(Enumerable.Range(0, 60).Select(i =>
            Http.PostAsync(i % 2 == 0 ? a : b, "/api/inventory/reserve", i % 3 == 0
                ? new { items = new[] { new { sku = "SKU-00021", quantity = 1 }, new { sku = "SKU-00020", quantity = 1 } } }
                : new { items = new[] { new { sku = "SKU-00020", quantity = 1 } } })));
        int taken = answers.Where(x => x.Status == HttpStatusCode.Created).Sum(x => x.Body!["items"]!.AsArray().Count(l => (string?)l!["sku"] == "SKU-00020"));
        int takenOther = answers.Where(x => x.Status == HttpStatusCode.Created).Sum(x => x.Body!["items"]!.AsArray().Count(l => (string?)l!["sku"] == "SKU-00021"));

        Assert.Equal(25, taken);
        Assert.Equal(0, await InventoryEndpointsTests.StockAsync(b, "SKU-00020"));
        Assert.Equal(1000 - takenOther, await InventoryEndpointsTests.StockAsync(a, "SKU-00021"));
        Assert.All(answers, x => Assert.Contains(x.Status, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
    }

    [Fact]
    public async Task Reserve_AfterRefusedReserveOnTheSamePooledConnection_IsCommitted()
    {
        // One pooled connection: the refused reserve's rolled-back transaction object is the one the next reserve gets.
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Inventory, StoreKind.Real, tweak: o => new BackendOptions
        {
            Service = o.Service, JwtKey = o.JwtKey, PostgresSchema = o.PostgresSchema, CatalogSize = 5,
            Postgres = new Npgsql.NpgsqlConnectionStringBuilder(o.Postgres) { MaxPoolSize = 1 }.ConnectionString,
        });
        using HttpClient client = TestBackends.Client(backend, Tokens.Customer());

        var refused = await Http.PostAsync(client, "/api/inventory/reserve", new { items = new[] { new { sku = "SKU-00001", quantity = 5000 } } });
        var first = await Http.PostAsync(client, "/api/inventory/reserve", new { items = new[] { new { sku = "SKU-00001", quantity = 1 } } });
        var second = await Http.PostAsync(client, "/api/inventory/reserve", new { items = new[] { new { sku = "SKU-00001", quantity = 1 } } });
        var confirm = await Http.PostAsync(client, $"/api/inventory/confirm/{first.Body!["reservationId"]}");

        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal(HttpStatusCode.Created, second.Status);
        Assert.Equal(HttpStatusCode.OK, confirm.Status);
        Assert.Equal(998, await InventoryEndpointsTests.StockAsync(client, "SKU-00001"));
    }
}

using System.Net;
using System.Text.Json.Nodes;
using FastLb.Backends.Tests.Inventory;
using FastLb.Backends.Tests.Payments;
using FastLb.Backends.Tests.Support;

namespace FastLb.Backends.Tests.Orders;

/// <summary>The order saga end to end: orders -> in-test gateway -> inventory, payments, cart, notifications (real HTTP), in memory and on PostgreSQL + Redis.</summary>
public sealed class OrderFlowTests
{
    private static object Order(string sku, int quantity, string card = PaymentsEndpointsTests.GoodCard) =>
        new { items = new[] { new { sku, quantity } }, cardNumber = card };

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Real)]
    public async Task Create_GoodCard_PaidStockTakenChargedAndNotifiedOnce(StoreKind store)
    {
        await using ShopWorld world = await ShopWorld.StartAsync(store);
        using HttpClient user = world.Client(Tokens.Customer("o1"));

        var created = await Http.PostAsync(user, "/api/orders", Order("SKU-00001", 3));
        JsonNode order = created.Body!;
        var payment = await Http.GetAsync(user, $"/api/payments/{order["paymentId"]}");
        var read = await Http.GetAsync(user, $"/api/orders/{order["orderId"]}");
        JsonNode? notifications = null;
        await Http.EventuallyAsync(async () =>
        {
            notifications = (await Http.GetAsync(user, "/api/notifications")).Body;
            return (int)notifications!["count"]! >= 1;
        }, TimeSpan.FromSeconds(10), "order.paid notification");

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal("PAID", (string?)order["status"]);
        Assert.Equal(997, await InventoryEndpointsTests.StockAsync(user, "SKU-00001"));
        Assert.Equal("CAPTURED", (string?)payment.Body!["status"]);
        Assert.Equal((decimal)order["total"]!, (decimal)payment.Body["amount"]!);
        Assert.Equal(3 * (decimal)order["items"]![0]!["unitPrice"]!, (decimal)order["total"]!);
        Assert.Equal("PAID", (string?)read.Body!["status"]);
        Assert.Equal(1, (int)notifications!["count"]!);
        Assert.Equal("order.paid", (string?)notifications["items"]![0]!["type"]);
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Real)]
    public async Task Create_FromCart_OrdersCartLinesAndClearsCart(StoreKind store)
    {
        await using ShopWorld world = await ShopWorld.StartAsync(store);
        using HttpClient user = world.Client(Tokens.Customer("o2"));
        await Http.PostAsync(user, "/api/cart/items", new { sku = "SKU-00002", quantity = 2 });
        await Http.PostAsync(user, "/api/cart/items", new { sku = "SKU-00003", quantity = 1 });

        var created = await Http.PostAsync(user, "/api/orders", new { cardNumber = PaymentsEndpointsTests.GoodCard });
        var cart = await Http.GetAsync(user, "/api/cart");
        var again = await Http.PostAsync(user, "/api/orders", new { cardNumber = PaymentsEndpointsTests.GoodCard });

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal(2, created.Body!["items"]!.AsArray().Count);
        Assert.Equal(998, await InventoryEndpointsTests.StockAsync(user, "SKU-00002"));
        Assert.Empty(cart.Body!["items"]!.AsArray());
        Http.AssertProblem(again, HttpStatusCode.BadRequest, "items");
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Real)]
    public async Task Create_DeclinedCard_FailedStockReturnedNothingCharged(StoreKind store)
    {
        await using ShopWorld world = await ShopWorld.StartAsync(store);
        using HttpClient user = world.Client(Tokens.Customer("o3"));

        var created = await Http.PostAsync(user, "/api/orders", Order("SKU-00004", 5, PaymentsEndpointsTests.DeclinedCard));
        var payment = await Http.GetAsync(user, $"/api/payments/{created.Body!["paymentId"]}");
        var listed = await Http.GetAsync(user, "/api/orders/user");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, created.Status);
        Assert.Equal("FAILED", (string?)created.Body["status"]);
        Assert.StartsWith("payment_declined", (string?)created.Body["failureReason"], StringComparison.Ordinal);
        Assert.Equal(1000, await InventoryEndpointsTests.StockAsync(user, "SKU-00004"));
        Assert.Equal("DECLINED", (string?)payment.Body!["status"]);
        Assert.Equal("FAILED", (string?)listed.Body!["items"]![0]!["status"]);
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Real)]
    public async Task Create_OutOfStockOrUnknownSku_FailedWithoutPayment(StoreKind store)
    {
        await using ShopWorld world = await ShopWorld.StartAsync(store);
        using HttpClient user = world.Client(Tokens.Customer("o4"));

        var tooMany = await Http.PostAsync(user, "/api/orders", Order("SKU-00005", 1001));
        var unknown = await Http.PostAsync(user, "/api/orders", Order("SKU-99999", 1));

        Assert.Equal("out_of_stock", (string?)tooMany.Body!["failureReason"]);
        Assert.Null(tooMany.Body["paymentId"]);
        Assert.Equal("unknown_product", (string?)unknown.Body!["failureReason"]);
        Assert.Equal(1000, await InventoryEndpointsTests.StockAsync(user, "SKU-00005"));
        Assert.False(world.Gateway.Forwarded.ContainsKey("payments"));
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Real)]
    public async Task Create_SameIdempotencyKey_OneOrderOneCharge(StoreKind store)
    {
        await using ShopWorld world = await ShopWorld.StartAsync(store);
        using HttpClient user = world.Client(Tokens.Customer("o5"));
        var headers = new Dictionary<string, string> { ["Idempotency-Key"] = "checkout-1" };

        var first = await Http.PostAsync(user, "/api/orders", Order("SKU-00006", 2), headers);
        var retries = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Http.PostAsync(user, "/api/orders", Order("SKU-00006", 2), headers)));
        var listed = await Http.GetAsync(user, "/api/orders/user");

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.All(retries, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.All(retries, r => Assert.Equal((string?)first.Body!["orderId"], (string?)r.Body!["orderId"]));
        Assert.Equal(1, (int)listed.Body!["count"]!);
        Assert.Equal(998, await InventoryEndpointsTests.StockAsync(user, "SKU-00006"));
        Assert.Equal(1, world.Gateway.Forwarded["payments"]);
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Real)]
    public async Task Create_FiftyConcurrentForLastTenUnits_ExactlyTenPaid(StoreKind store)
    {
        await using ShopWorld world = await ShopWorld.StartAsync(store);
        using HttpClient admin = world.Client(Tokens.Admin());
        await Http.PutAsync(admin, "/api/inventory/products/SKU-00010/stock", new { stock = 10 });

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
        {
            using HttpClient user = world.Client(Tokens.Customer($"buyer-{i}"));
            return await Http.PostAsync(user, "/api/orders", Order("SKU-00010", 1));
        }));

        Assert.Equal(10, answers.Count(a => (string?)a.Body!["status"] == "PAID"));
        Assert.Equal(40, answers.Count(a => (string?)a.Body!["failureReason"] == "out_of_stock"));
        Assert.Equal(0, await InventoryEndpointsTests.StockAsync(admin, "SKU-00010"));
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Real)]
    public async Task Create_OrdersCrashesBetweenReserveAndPay_ReservationExpiresAndStockReturns(StoreKind store)
    {
        // The stock must be read while the reservation holds: a run slower than the reservation's 2 s (a loaded
        // machine; the first order in a new world also pays for JIT and connections) proves nothing and is repeated
        // in a new world.
        TimeSpan ttl = TimeSpan.FromSeconds(2);
        ShopWorld? world = null;
        Task<(HttpStatusCode, JsonNode?)>? pending = null;
        int held = await Http.BeforeExpiryAsync(ttl, async (_, watch) =>
        {
            if (world is not null)
            {
                await world.DisposeAsync();
                await Record.ExceptionAsync(() => pending!);
            }

            world = await ShopWorld.StartAsync(store, reservationTtl: ttl);
            world.Gateway.HoldService = "payments";
            using HttpClient reader = world.Client(Tokens.Customer("o6"));
            watch.Restart();
            pending = Http.PostAsync(world.OrdersClient(Tokens.Customer("o6")), "/api/orders", Order("SKU-00007", 4));
            await world.Gateway.Held.Task.WaitAsync(TimeSpan.FromSeconds(10));
            return await InventoryEndpointsTests.StockAsync(reader, "SKU-00007");
        });
        await using ShopWorld _ = world!;
        using HttpClient user = world!.Client(Tokens.Customer("o6"));
        await world.Orders[0].DisposeAsync();
        await Http.EventuallyAsync(async () => await InventoryEndpointsTests.StockAsync(user, "SKU-00007") == 1000, TimeSpan.FromSeconds(10), "stock back after the crash");
        var outcome = await Record.ExceptionAsync(() => pending!);

        Assert.Equal(996, held);
        Assert.Equal(1000, await InventoryEndpointsTests.StockAsync(user, "SKU-00007"));
        Assert.Equal(1, world.Gateway.Forwarded["payments"]);
        Assert.True(outcome is not null || pending!.Result.Item1 != HttpStatusCode.Created);
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Real)]
    public async Task StatusAndCancel_Lifecycle_RbacTransitionsRefund(StoreKind store)
    {
        await using ShopWorld world = await ShopWorld.StartAsync(store);
        using HttpClient user = world.Client(Tokens.Customer("o7"));
        using HttpClient other = world.Client(Tokens.Customer("o8"));
        using HttpClient admin = world.Client(Tokens.Admin());
        string first = (string)(await Http.PostAsync(user, "/api/orders", Order("SKU-00008", 2))).Body!["orderId"]!;
        var second = (await Http.PostAsync(user, "/api/orders", Order("SKU-00009", 1))).Body!;

        Http.AssertProblem(await Http.PutAsync(user, $"/api/orders/{first}/status", new { status = "SHIPPED" }), HttpStatusCode.Forbidden);
        Http.AssertProblem(await Http.PutAsync(admin, $"/api/orders/{first}/status", new { status = "LOST" }), HttpStatusCode.BadRequest, "status");
        Http.AssertProblem(await Http.PutAsync(admin, $"/api/orders/{first}/status", new { status = "DELIVERED" }), HttpStatusCode.Conflict, "status");
        var shipped = await Http.PutAsync(admin, $"/api/orders/{first}/status", new { status = "SHIPPED" });
        Http.AssertProblem(await Http.PostAsync(user, $"/api/orders/{first}/cancel"), HttpStatusCode.Conflict);
        Http.AssertProblem(await Http.GetAsync(other, $"/api/orders/{first}"), HttpStatusCode.Forbidden);
        Http.AssertProblem(await Http.PostAsync(other, $"/api/orders/{second["orderId"]}/cancel"), HttpStatusCode.Forbidden);
        Http.AssertProblem(await Http.GetAsync(user, $"/api/orders/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        Http.AssertProblem(await Http.GetAsync(user, "/api/orders/nope"), HttpStatusCode.BadRequest, "orderId");
        Http.AssertProblem(await Http.GetAsync(world.Client(null), "/api/orders/user"), HttpStatusCode.Unauthorized);
        var cancelled = await Http.PostAsync(user, $"/api/orders/{second["orderId"]}/cancel");
        var cancelledAgain = await Http.PostAsync(user, $"/api/orders/{second["orderId"]}/cancel");
        var payment = await Http.GetAsync(user, $"/api/payments/{second["paymentId"]}");

        Assert.Equal("SHIPPED", (string?)shipped.Body!["status"]);
        Assert.Equal("CANCELLED", (string?)cancelled.Body!["status"]);
        Assert.Equal(HttpStatusCode.OK, cancelledAgain.Status);
        Assert.Equal("REFUNDED", (string?)payment.Body!["status"]);
        Assert.Equal(1000, await InventoryEndpointsTests.StockAsync(user, "SKU-00009"));
        Assert.Equal(998, await InventoryEndpointsTests.StockAsync(user, "SKU-00008"));
    }

    [Theory]
    [InlineData("{\"items\": [{\"sku\": \"SKU-00001\", \"quantity\": 1}], \"cardNumber\": \"1234\"}", "cardNumber")]
    [InlineData("{\"items\": [{\"sku\": \"SKU-00001\", \"quantity\": 0}], \"cardNumber\": \"4242424242424242\"}", "items[0].quantity")]
    [InlineData("{\"items\": [], \"cardNumber\": \"4242424242424242\"}", "items")]
    [InlineData("{\"items\": [{\"sku\": \"SKU-00001\", \"quantity\": 1}], \"cardNumber\": \"4242424242424242\", \"currency\": \"usd\"}", "currency")]
    public async Task Create_BadField_Returns400NamingIt(string json, string field)
    {
        await using ShopWorld world = await ShopWorld.StartAsync(StoreKind.Memory);
        using HttpClient user = world.Client(Tokens.Customer("o9"));

        Http.AssertProblem(await Http.PostAsync(user, "/api/orders", json), HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task StatusVersusCancel_TwoOrdersInstancesOnOnePostgres_OneWinsNoLostUpdate()
    {
        await using ShopWorld world = await ShopWorld.StartAsync(StoreKind.Real, ordersInstances: 2);
        using HttpClient user = world.Client(Tokens.Customer("o10"));
        var orders = new List<JsonNode>();
        for (int i = 0; i < 6; i++) orders.Add((await Http.PostAsync(user, "/api/orders", Order("SKU-00011", 1))).Body!);

        // For each order, race a ship (admin, instance 0) against a cancel (owner, instance 1).
        var races = await Task.WhenAll(orders.Select(async o =>
        {
            Task<(HttpStatusCode, JsonNode?)> ship = Http.PutAsync(world.OrdersClient(Tokens.Admin(), 0), $"/api/orders/{o["orderId"]}/status", new { status = "SHIPPED" });
            Task<(HttpStatusCode, JsonNode?)> cancel = Http.PostAsync(world.OrdersClient(Tokens.Customer("o10"), 1), $"/api/orders/{o["orderId"]}/cancel");
            return (Ship: await ship, Cancel: await cancel, Final: (await Http.GetAsync(user, $"/api/orders/{o["orderId"]}")).Body!);
        }));

        foreach (var race in races)
        {
            bool shipped = race.Ship.Item1 == HttpStatusCode.OK;
            bool cancelled = race.Cancel.Item1 == HttpStatusCode.OK;
            Assert.True(shipped ^ cancelled, $"exactly one must win: ship {race.Ship.Item1} {race.Ship.Item2?.ToJsonString()}, cancel {race.Cancel.Item1} {race.Cancel.Item2?.ToJsonString()}, final {race.Final.ToJsonString()}");
            Assert.Equal(shipped ? "SHIPPED" : "CANCELLED", (string?)race.Final["status"]);
            var payment = await Http.GetAsync(user, $"/api/payments/{race.Final["paymentId"]}");
            Assert.Equal(shipped ? "CAPTURED" : "REFUNDED", (string?)payment.Body!["status"]);
            Assert.Equal(4, (int)race.Final["version"]!);
        }

        int cancelledCount = races.Count(r => r.Cancel.Item1 == HttpStatusCode.OK);
        Assert.Equal(1000 - 6 + cancelledCount, await InventoryEndpointsTests.StockAsync(user, "SKU-00011"));
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Real)]
    public async Task Outbox_NotificationsFailingThenBack_EachEventDeliveredExactlyOnce(StoreKind store)
    {
        await using ShopWorld world = await ShopWorld.StartAsync(store);
        using HttpClient user = world.Client(Tokens.Customer("o11"));
        using HttpClient admin = world.Client(Tokens.Admin());
        world.Notifications.SetFaults(errorRate: 1);

        var paid = await Http.PostAsync(user, "/api/orders", Order("SKU-00012", 1));
        await Http.PutAsync(admin, $"/api/orders/{paid.Body!["orderId"]}/status", new { status = "SHIPPED" });
        await Http.EventuallyAsync(async () => (await world.Notifications.BaseAddress.GetMetricAsync("fastlb_backend_injected_errors_total")) >= 2,
            TimeSpan.FromSeconds(10), "the relay to try and fail");
        world.Notifications.SetFaults(errorRate: 0);
        JsonNode? list = null;
        await Http.EventuallyAsync(async () =>
        {
            list = (await Http.GetAsync(user, "/api/notifications")).Body;
            return (int)list!["count"]! >= 2;
        }, TimeSpan.FromSeconds(10), "both events delivered");
        await Http.EventuallyAsync(async () => (await world.Orders[0].BaseAddress.GetMetricAsync("fastlb_backend_events_total", "outbox_delivered")) == 2,
            TimeSpan.FromSeconds(10), "the relay to mark both delivered");
        var after = await Http.GetAsync(user, "/api/notifications");

        Assert.Equal(HttpStatusCode.Created, paid.Status);
        Assert.Equal(2, (int)after.Body!["count"]!);
        Assert.Equal(new[] { "order.paid", "order.shipped" }, after.Body["items"]!.AsArray().Select(n => (string)n!["type"]!).Order().ToArray());
    }

    [Fact]
    public async Task Create_PaymentsFailing_RetriedTwiceThenFailedNothingChargedStockReturned()
    {
        await using ShopWorld world = await ShopWorld.StartAsync(StoreKind.Memory);
        using HttpClient user = world.Client(Tokens.Customer("o12"));
        world.Payments.SetFaults(errorRate: 1);

        var created = await Http.PostAsync(user, "/api/orders", Order("SKU-00013", 2));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, created.Status);
        Assert.Equal("payment_unavailable", (string?)created.Body!["failureReason"]);
        Assert.Equal(3 + 3, world.Gateway.Forwarded["payments"]); // three charge attempts, then three void attempts
        Assert.Equal(0, await world.Payments.BaseAddress.GetMetricAsync("fastlb_backend_events_total", "payment_captured"));
        Assert.Equal(1000, await InventoryEndpointsTests.StockAsync(user, "SKU-00013"));
    }

    [Fact]
    public async Task Create_InventoryTooSlow_TimesOutAfterRetriesAndNoStockLeaks()
    {
        await using ShopWorld world = await ShopWorld.StartAsync(StoreKind.Memory, reservationTtl: TimeSpan.FromSeconds(1), gatewayTimeout: TimeSpan.FromMilliseconds(300));
        using HttpClient user = world.Client(Tokens.Customer("o13"));
        world.Inventory[0].SetFaults(delayMs: 1200);

        var started = System.Diagnostics.Stopwatch.StartNew();
        var created = await Http.PostAsync(user, "/api/orders", Order("SKU-00014", 4));
        TimeSpan took = started.Elapsed;
        int attempts = world.Gateway.Forwarded["inventory"];
        world.Inventory[0].SetFaults(delayMs: 0);
        var lowest = 1000;
        await Http.EventuallyAsync(async () =>
        {
            int stock = await InventoryEndpointsTests.StockAsync(user, "SKU-00014");
            lowest = Math.Min(lowest, stock);
            return stock == 1000 && started.Elapsed > TimeSpan.FromSeconds(3);
        }, TimeSpan.FromSeconds(10), "stock back to 1000 after any orphan reservation expired");

        Assert.Equal("inventory_unavailable", (string?)created.Body!["failureReason"]);
        Assert.Equal(3, attempts);
        Assert.True(took >= TimeSpan.FromMilliseconds(900), $"three 300 ms attempts took {took.TotalMilliseconds} ms");
        Assert.True(lowest >= 996, $"one idempotency key, at most one reservation: lowest stock {lowest}");
    }
}

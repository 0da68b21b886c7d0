using System.Net;
using FastLb.Backends.Hosting;
using FastLb.Backends.Tests.Support;

namespace FastLb.Backends.Tests.Payments;

/// <summary>Contract of the payments service, on in-memory stores and on PostgreSQL.</summary>
public sealed class PaymentsEndpointsTests
{
    /// <summary>A Luhn-valid card that captures.</summary>
    internal const string GoodCard = "4242424242424242";

    /// <summary>A Luhn-valid card that the simulated gateway declines.</summary>
    internal const string DeclinedCard = "4000000000000002";

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Real)]
    public async Task Charge_GoodCard_Captures201AndLogsAttempt(StoreKind store)
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Payments, store);
        using HttpClient client = TestBackends.Client(backend, Tokens.Customer("u1"));

        var created = await Http.PostAsync(client, "/api/payments", new { orderId = "o-1", amount = 12.34m, currency = "EUR", cardNumber = GoodCard });
        var read = await Http.GetAsync(client, $"/api/payments/{created.Body!["paymentId"]}");

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal("CAPTURED", (string?)created.Body["status"]);
        Assert.Equal("4242", (string?)created.Body["cardLast4"]);
        Assert.DoesNotContain(GoodCard, created.Body.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.Equal(12.34m, (decimal)read.Body!["amount"]!);
        Assert.Equal("EUR", (string?)read.Body["currency"]);
        Assert.Equal("u1", (string?)read.Body["userId"]);
        Assert.Equal("charge", (string?)read.Body["attempts"]![0]!["kind"]);
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Real)]
    public async Task Charge_DeclinedCard_Returns402DeclinedAndRefundConflicts(StoreKind store)
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Payments, store);
        using HttpClient client = TestBackends.Client(backend, Tokens.Customer("u1"));

        var declined = await Http.PostAsync(client, "/api/payments", new { amount = 5m, cardNumber = DeclinedCard });
        var refund = await Http.PostAsync(client, $"/api/payments/{declined.Body!["paymentId"]}/refund");

        Assert.Equal(HttpStatusCode.PaymentRequired, declined.Status);
        Assert.Equal("DECLINED", (string?)declined.Body["status"]);
        Assert.Equal("card_declined", (string?)declined.Body["declineReason"]);
        Http.AssertProblem(refund, HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Real)]
    public async Task Refund_Captured_RefundsOnceAndRepeatIsIdempotent(StoreKind store)
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Payments, store);
        using HttpClient client = TestBackends.Client(backend, Tokens.Customer("u1"));
        var created = await Http.PostAsync(client, "/api/payments", new { amount = 20m, cardNumber = GoodCard });
        string id = (string)created.Body!["paymentId"]!;

        var refunds = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Http.PostAsync(client, $"/api/payments/{id}/refund")));
        var read = await Http.GetAsync(client, $"/api/payments/{id}");

        Assert.All(refunds, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.Equal("REFUNDED", (string?)read.Body!["status"]);
        Assert.Equal(1, read.Body["attempts"]!.AsArray().Count(a => (string?)a!["kind"] == "refund"));
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Real)]
    public async Task Charge_SameIdempotencyKey_ChargesOnce(StoreKind store)
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Payments, store);
        using HttpClient client = TestBackends.Client(backend, Tokens.Customer("u1"));
        var headers = new Dictionary<string, string> { ["Idempotency-Key"] = "order-7" };

        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            Http.PostAsync(client, "/api/payments", new { amount = 9.99m, cardNumber = GoodCard }, headers)));

        Assert.Single(answers.Select(a => (string?)a.Body!["paymentId"]).Distinct());
        Assert.Equal(1, answers.Count(a => a.Status == HttpStatusCode.Created));
        Assert.Equal(4, answers.Count(a => a.Status == HttpStatusCode.OK));
    }

    [Theory]
    [InlineData("{\"amount\": 0, \"cardNumber\": \"4242424242424242\"}", "amount")]
    [InlineData("{\"amount\": 1.234, \"cardNumber\": \"4242424242424242\"}", "amount")]
    [InlineData("{\"cardNumber\": \"4242424242424242\"}", "amount")]
    [InlineData("{\"amount\": 1, \"cardNumber\": \"4242424242424241\"}", "cardNumber")]
    [InlineData("{\"amount\": 1}", "cardNumber")]
    [InlineData("{\"amount\": 1, \"cardNumber\": \"4242424242424242\", \"currency\": \"euro\"}", "currency")]
    [InlineData("[1, 2]", "body")]
    public async Task Charge_BadBody_Returns400NamingField(string json, string field)
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Payments, StoreKind.Memory);
        using HttpClient client = TestBackends.Client(backend, Tokens.Customer());

        Http.AssertProblem(await Http.PostAsync(client, "/api/payments", json), HttpStatusCode.BadRequest, field);
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Real)]
    public async Task Payment_UnknownOtherUsersOrAnonymous_Returns404403401(StoreKind store)
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Payments, store);
        using HttpClient owner = TestBackends.Client(backend, Tokens.Customer("u1"));
        using HttpClient other = TestBackends.Client(backend, Tokens.Customer("u2"));
        using HttpClient admin = TestBackends.Client(backend, Tokens.Admin());
        using HttpClient anonymous = TestBackends.Client(backend);
        var created = await Http.PostAsync(owner, "/api/payments", new { amount = 3m, cardNumber = GoodCard });
        string path = $"/api/payments/{created.Body!["paymentId"]}";

        Http.AssertProblem(await Http.GetAsync(owner, $"/api/payments/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        Http.AssertProblem(await Http.GetAsync(other, path), HttpStatusCode.Forbidden);
        Http.AssertProblem(await Http.PostAsync(other, path + "/refund"), HttpStatusCode.Forbidden);
        Http.AssertProblem(await Http.GetAsync(anonymous, path), HttpStatusCode.Unauthorized);
        Http.AssertProblem(await Http.GetAsync(owner, "/api/payments/xyz"), HttpStatusCode.BadRequest, "paymentId");
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync(admin, path)).Status);
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Real)]
    public async Task Void_ByKey_RefundsALandedChargeAndBlocksALateOne(StoreKind store)
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Payments, store);
        using HttpClient client = TestBackends.Client(backend, Tokens.Customer("u1"));
        var landed = new Dictionary<string, string> { ["Idempotency-Key"] = "order:landed" };
        var late = new Dictionary<string, string> { ["Idempotency-Key"] = "order:late" };
        var charged = await Http.PostAsync(client, "/api/payments", new { amount = 8m, cardNumber = GoodCard }, landed);

        var voidLanded = await Http.PostAsync(client, "/api/payments/void", headers: landed);
        var voidLate = await Http.PostAsync(client, "/api/payments/void", headers: late);
        var lateCharge = await Http.PostAsync(client, "/api/payments", new { amount = 8m, cardNumber = GoodCard }, late);
        var missingKey = await Http.PostAsync(client, "/api/payments/void");

        Assert.Equal("REFUNDED", (string?)voidLanded.Body!["status"]);
        Assert.Equal((string?)charged.Body!["paymentId"], (string?)voidLanded.Body["paymentId"]);
        Assert.Equal("DECLINED", (string?)voidLate.Body!["status"]);
        Assert.Equal(HttpStatusCode.PaymentRequired, lateCharge.Status);
        Assert.Equal("voided", (string?)lateCharge.Body!["declineReason"]);
        Http.AssertProblem(missingKey, HttpStatusCode.BadRequest, "Idempotency-Key");
    }
}

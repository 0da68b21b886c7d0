using System.Net;
using FastLb.Backends.Hosting;
using FastLb.Backends.Tests.Support;

namespace FastLb.Backends.Tests.Notifications;

/// <summary>Contract of the notifications service, in memory and on PostgreSQL.</summary>
public sealed class NotificationsEndpointsTests
{
    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Real)]
    public async Task CreateListMarkRead_HappyPath(StoreKind store)
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Notifications, store);
        using HttpClient client = TestBackends.Client(backend, Tokens.Customer("n1"));

        var created = await Http.PostAsync(client, "/api/notifications", new { type = "welcome", channel = "push", subject = "Hi", body = "Welcome!" });
        var list = await Http.GetAsync(client, "/api/notifications");
        var read = await Http.PutAsync(client, $"/api/notifications/{created.Body!["notificationId"]}/status", new { status = "READ" });

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal("n1", (string?)created.Body["userId"]);
        Assert.Equal("SENT", (string?)created.Body["status"]);
        Assert.Equal(1, (int)list.Body!["count"]!);
        Assert.Equal("READ", (string?)read.Body!["status"]);
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Real)]
    public async Task Create_SameEventIdConcurrently_OneNotification(StoreKind store)
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Notifications, store);
        using HttpClient service = TestBackends.Client(backend, Tokens.Admin());

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Http.PostAsync(service, "/api/notifications",
            new { userId = "n2", type = "order.paid", subject = "Paid", body = "Thanks", eventId = "evt-1" })));
        var list = await Http.GetAsync(service, "/api/notifications?userId=n2");

        Assert.Single(answers.Select(a => (string?)a.Body!["notificationId"]).Distinct());
        Assert.Equal(1, answers.Count(a => a.Status == HttpStatusCode.Created));
        Assert.Equal(1, (int)list.Body!["count"]!);
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Real)]
    public async Task OtherUsersNotifications_Customer403_Unknown404(StoreKind store)
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Notifications, store);
        using HttpClient owner = TestBackends.Client(backend, Tokens.Customer("n3"));
        using HttpClient other = TestBackends.Client(backend, Tokens.Customer("n4"));
        var created = await Http.PostAsync(owner, "/api/notifications", new { type = "t", subject = "s", body = "b" });

        Http.AssertProblem(await Http.PostAsync(other, "/api/notifications", new { userId = "n3", type = "t", subject = "s", body = "b" }), HttpStatusCode.Forbidden);
        Http.AssertProblem(await Http.GetAsync(other, "/api/notifications?userId=n3"), HttpStatusCode.Forbidden);
        Http.AssertProblem(await Http.PutAsync(other, $"/api/notifications/{created.Body!["notificationId"]}/status", new { status = "READ" }), HttpStatusCode.Forbidden);
        Http.AssertProblem(await Http.PutAsync(owner, $"/api/notifications/{Guid.NewGuid()}/status", new { status = "READ" }), HttpStatusCode.NotFound);
        Http.AssertProblem(await Http.GetAsync(TestBackends.Client(backend), "/api/notifications"), HttpStatusCode.Unauthorized);
        Assert.Equal(0, (int)(await Http.GetAsync(other, "/api/notifications")).Body!["count"]!);
    }

    [Theory]
    [InlineData("{\"subject\": \"s\", \"body\": \"b\"}", "type")]
    [InlineData("{\"type\": \"t\", \"channel\": \"fax\", \"subject\": \"s\", \"body\": \"b\"}", "channel")]
    [InlineData("{\"type\": \"t\", \"body\": \"b\"}", "subject")]
    [InlineData("{\"type\": \"t\", \"subject\": \"s\"}", "body")]
    public async Task Create_BadField_Returns400NamingIt(string json, string field)
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Notifications, StoreKind.Memory);
        using HttpClient client = TestBackends.Client(backend, Tokens.Customer());

        Http.AssertProblem(await Http.PostAsync(client, "/api/notifications", json), HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task SetStatus_UnknownStatusOrBadId_Returns400()
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Notifications, StoreKind.Memory);
        using HttpClient client = TestBackends.Client(backend, Tokens.Customer());
        var created = await Http.PostAsync(client, "/api/notifications", new { type = "t", subject = "s", body = "b" });

        Http.AssertProblem(await Http.PutAsync(client, $"/api/notifications/{created.Body!["notificationId"]}/status", new { status = "LOST" }), HttpStatusCode.BadRequest, "status");
        Http.AssertProblem(await Http.PutAsync(client, "/api/notifications/123/status", new { status = "READ" }), HttpStatusCode.BadRequest, "id");
    }
}

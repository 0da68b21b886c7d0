using System.Diagnostics;
using System.Net;
using FastLb.Backends.Hosting;
using FastLb.Backends.Tests.Support;

namespace FastLb.Backends.Tests.Hosting;

/// <summary>Common behaviour of every instance: /health, /admin/faults, fault knobs, echo, options.</summary>
public sealed class BackendHostTests
{
    [Fact]
    public async Task Health_FreshInstance_ReportsHealthyWithDesignFields()
    {
        await using RunningBackend backend = await BackendHost.StartEchoAsync();
        using HttpClient client = TestBackends.Client(backend);

        var (status, body) = await Http.GetAsync(client, "/health");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("healthy", (string?)body!["status"]);
        Assert.True((double)body["cpu"]! >= 0);
        Assert.Equal(0, (int)body["active_requests"]!);
        Assert.True((double)body["avg_response_ms"]! >= 0);
        Assert.Equal("echo", (string?)body["service"]);
    }

    [Fact]
    public async Task Health_ErrorRateHalf_Returns503Unhealthy()
    {
        await using RunningBackend backend = await BackendHost.StartEchoAsync();
        using HttpClient client = TestBackends.Client(backend);

        var put = await Http.PutAsync(client, "/admin/faults", new { errorRate = 0.5 });
        var (status, body) = await Http.GetAsync(client, "/health");

        Assert.Equal(HttpStatusCode.OK, put.Status);
        Assert.Equal(0.5, (double)put.Body!["errorRate"]!);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("unhealthy", (string?)body!["status"]);
    }

    [Fact]
    public async Task ErrorStatus_SetsTheStatusOfInjectedErrors_AndOnlyA5xxIsAccepted()
    {
        await using RunningBackend backend = await BackendHost.StartEchoAsync();
        using HttpClient client = TestBackends.Client(backend);

        var put = await Http.PutAsync(client, "/admin/faults", new { errorRate = 1.0, errorStatus = 503 });
        var (status, _) = await Http.GetAsync(client, "/api/echo");
        var bad = await Http.PutAsync(client, "/admin/faults", new { errorStatus = 404 });

        Assert.Equal(503, (int)put.Body!["errorStatus"]!);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Http.AssertProblem(bad, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Health_ForcedDegraded_ReportsDegradedWith200ThenAutoHealthy()
    {
        await using RunningBackend backend = await BackendHost.StartEchoAsync();
        using HttpClient client = TestBackends.Client(backend);

        await Http.PutAsync(client, "/admin/faults", new { status = "degraded" });
        var degraded = await Http.GetAsync(client, "/health");
        await Http.PutAsync(client, "/admin/faults", new { status = "auto" });
        var healthy = await Http.GetAsync(client, "/health");

        Assert.Equal(HttpStatusCode.OK, degraded.Status);
        Assert.Equal("degraded", (string?)degraded.Body!["status"]);
        Assert.Equal("healthy", (string?)healthy.Body!["status"]);
    }

    [Fact]
    public async Task UnknownRoute_AnyService_Returns404Problem()
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Users, StoreKind.Memory);
        using HttpClient client = TestBackends.Client(backend);

        Http.AssertProblem(await Http.GetAsync(client, "/api/nothing/here"), HttpStatusCode.NotFound);
        Http.AssertProblem(await Http.GetAsync(client, "/nowhere"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task SetFaults_InProcess_SameEffectAsAdminEndpoint()
    {
        await using RunningBackend backend = await BackendHost.StartEchoAsync();
        using HttpClient client = TestBackends.Client(backend);

        backend.SetFaults(delayMs: 5, errorRate: 1, status: "degraded");
        var faults = await Http.GetAsync(client, "/admin/faults");
        var health = await Http.GetAsync(client, "/health");
        var echo = await Http.GetAsync(client, "/api/echo");
        backend.SetFaults(errorRate: 0, status: "auto");
        var healed = await Http.GetAsync(client, "/api/echo");

        Assert.Equal(5, (int)faults.Body!["delayMs"]!);
        Assert.Equal("degraded", (string?)health.Body!["status"]);
        Http.AssertProblem(echo, HttpStatusCode.InternalServerError);
        Assert.Equal(HttpStatusCode.OK, healed.Status);
        Assert.Throws<ArgumentOutOfRangeException>(() => backend.SetFaults(errorRate: 2));
    }

    [Theory]
    [InlineData("{\"errorRate\": 1.5}", "errorRate")]
    [InlineData("{\"delayMs\": -1}", "delayMs")]
    [InlineData("{\"jitterMs\": -1}", "jitterMs")]
    [InlineData("{\"capacity\": -2}", "capacity")]
    [InlineData("{\"status\": \"sleepy\"}", "status")]
    [InlineData("{\"delayMs\": \"slow\"}", "delayMs")]
    [InlineData("not json", "body")]
    public async Task AdminFaults_BadValue_Returns400NamingField(string json, string field)
    {
        await using RunningBackend backend = await BackendHost.StartEchoAsync();
        using HttpClient client = TestBackends.Client(backend);

        var answer = await Http.PutAsync(client, "/admin/faults", json);

        Http.AssertProblem(answer, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task ErrorRate_One_EveryApiRequestFails500AndIsCounted()
    {
        await using RunningBackend backend = await BackendHost.StartAsync(new BackendOptions { Service = BackendService.Echo, ErrorRate = 1 });
        using HttpClient client = TestBackends.Client(backend);

        var first = await Http.GetAsync(client, "/api/echo/a");
        var second = await Http.GetAsync(client, "/api/echo/b");
        string metrics = await client.GetStringAsync("/metrics");

        Http.AssertProblem(first, HttpStatusCode.InternalServerError);
        Http.AssertProblem(second, HttpStatusCode.InternalServerError);
        Assert.Contains("fastlb_backend_injected_errors_total{service=\"echo\",instance=\"" + backend.InstanceName + "\"} 2", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DelayMs_ApiRequest_TakesAtLeastTheDelayButHealthAnswersMeanwhile()
    {
        await using RunningBackend backend = await BackendHost.StartEchoAsync(delayMs: 2000);
        using HttpClient client = TestBackends.Client(backend);

        long start = Stopwatch.GetTimestamp();
        Task<HttpResponseMessage> api = client.GetAsync("/api/echo/x");
        await Http.EventuallyAsync(async () => (int)(await Http.GetAsync(client, "/health")).Body!["active_requests"]! == 1,
            TimeSpan.FromSeconds(5), "the delayed request to be in flight");
        bool apiDoneWhenHealthAnswered = api.IsCompleted;
        using HttpResponseMessage echo = await api;
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);

        Assert.False(apiDoneWhenHealthAnswered);
        Assert.Equal(HttpStatusCode.OK, echo.StatusCode);
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(1995), $"api took {elapsed.TotalMilliseconds} ms");

        // The request is counted when its handler's pipeline ends, which may be just after the client
        // has the whole answer: wait for it (bounded) rather than read /health once.
        await Http.EventuallyAsync(async () => (double)(await Http.GetAsync(client, "/health")).Body!["avg_response_ms"]! >= 1995,
            TimeSpan.FromSeconds(5), "the delayed request in avg_response_ms");
    }

    [Fact]
    public async Task Capacity_One_SecondRequestQueuesAndHealthShowsIt()
    {
        await using RunningBackend backend = await BackendHost.StartAsync(new BackendOptions { Service = BackendService.Echo, Capacity = 1, DelayMs = 400 });
        using HttpClient client = TestBackends.Client(backend);

        Task<HttpResponseMessage> first = client.GetAsync("/api/echo/1");
        Task<HttpResponseMessage> second = client.GetAsync("/api/echo/2");
        string? seen = null;
        await Http.EventuallyAsync(async () =>
        {
            var health = await Http.GetAsync(client, "/health");
            seen = health.Body!.ToJsonString();
            return (int)health.Body["queued_requests"]! == 1 && (int)health.Body["active_requests"]! == 2 && (string?)health.Body["status"] == "degraded";
        }, TimeSpan.FromSeconds(5), "one queued request");
        HttpResponseMessage[] done = await Task.WhenAll(first, second);

        Assert.All(done, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Contains("\"queued_requests\":1", seen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Echo_Post_AnswersInstanceMethodPathAndBodyBytes()
    {
        await using RunningBackend backend = await BackendHost.StartEchoAsync(instanceName: "echo-a");
        using HttpClient client = TestBackends.Client(backend);

        using var response = await client.PostAsync("/api/echo/some/path?x=1", new ByteArrayContent(new byte[1234]));
        var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("echo-a", (string?)body["instance"]);
        Assert.Equal("POST", (string?)body["method"]);
        Assert.Equal("/api/echo/some/path", (string?)body["path"]);
        Assert.Equal("?x=1", (string?)body["query"]);
        Assert.Equal(1234, (long)body["bodyBytes"]!);
        Assert.Equal("echo-a", response.Headers.GetValues("X-Backend-Instance").Single());
    }

    [Fact]
    public async Task StartAsync_BadOptions_ThrowsNamingEveryFlag()
    {
        var options = new BackendOptions { Service = BackendService.Orders, ErrorRate = 2, DelayMs = -1 };

        var e = await Assert.ThrowsAsync<ArgumentException>(() => BackendHost.StartAsync(options));

        Assert.Contains("--error-rate", e.Message, StringComparison.Ordinal);
        Assert.Contains("--delay-ms", e.Message, StringComparison.Ordinal);
        Assert.Contains("--gateway", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("inventory", true, BackendService.Inventory)]
    [InlineData("Orders", true, BackendService.Orders)]
    [InlineData("shop", false, BackendService.Users)]
    [InlineData("3", false, BackendService.Users)]
    public void TryParseService_Name_ParsesOnlyKnownNames(string name, bool ok, BackendService expected)
    {
        bool parsed = BackendHost.TryParseService(name, out BackendService service);

        Assert.Equal(ok, parsed);
        if (ok) Assert.Equal(expected, service);
    }
}

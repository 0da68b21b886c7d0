using System.Net;
using System.Text.Json;
using FastLb.Policy;
using FastLb.Policy.Learning;
using FastLb.Proxy.Configuration;
using FastLb.Proxy.Forwarding;
using FastLb.Proxy.Metrics;
using FastLb.Proxy.Runtime;
using FastLb.Proxy.Tests.Infrastructure;
using static FastLb.Proxy.Tests.Admin.AdminEndpointTests;

namespace FastLb.Proxy.Tests.Configuration;

/// <summary>Config reload on a real proxy in this process, in front of real Kestrel backends, from a real file.</summary>
public sealed class ConfigReloadTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"fastlb-reload-{Guid.NewGuid():N}.json");

    /// <summary>A one-listener config: pool <c>main</c> with <paramref name="backends"/> (address or address*weight).</summary>
    internal static string OnePool(string policy, params string[] backends) => $$"""
        {
          "admin": { "listen": "127.0.0.1:0" },
          "listeners": [ { "name": "web", "listen": "127.0.0.1:0", "mode": "http", "pool": "main" } ],
          "pools": [ { "name": "main", "policy": "{{policy}}", "backends": [ {{Backends(backends)}} ] } ]
        }
        """;

    internal static string Backends(string[] backends) => string.Join(", ", backends.Select(b =>
    {
        string[] parts = b.Split('*');
        return $$"""{ "address": "{{parts[0]}}", "weight": {{(parts.Length > 1 ? parts[1] : "1")}} }""";
    }));

    [Fact]
    public async Task Reload_BackendAdded_TrafficReachesIt()
    {
        await using TestBackend a = await TestBackend.StartAsync("a");
        await using TestBackend b = await TestBackend.StartAsync("b");
        File.WriteAllText(_path, OnePool("round_robin", a.Address));
        await using ProxyHost proxy = await ProxyHost.StartFromFileAsync(_path);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };
        Assert.Equal("hello from a", await client.GetStringAsync("/hello"));

        File.WriteAllText(_path, OnePool("round_robin", a.Address, b.Address));
        ReloadResult result = await proxy.Server.ReloadAsync();

        Assert.Equal(ReloadOutcome.Applied, result.Outcome);
        Assert.Equal(2, result.Generation);
        Assert.Contains($"pool 'main': backend {b.Address} added", result.Changes);
        var bodies = new List<string>();
        for (int i = 0; i < 10; i++)
        {
            bodies.Add(await client.GetStringAsync("/hello"));
        }

        Assert.Equal(5, bodies.Count(x => x == "hello from b"));
        Assert.Equal(5, bodies.Count(x => x == "hello from a"));
    }

    [Fact]
    public async Task Reload_BackendAddedBeforeAKeptOne_AppliedAndKeptStateStays()
    {
        // The kept backend moves from position 0 to 1, past the end of the old list.
        await using TestBackend a = await TestBackend.StartAsync("a");
        await using TestBackend b = await TestBackend.StartAsync("b");
        File.WriteAllText(_path, OnePool("round_robin", b.Address));
        await using ProxyHost proxy = await ProxyHost.StartFromFileAsync(_path);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };
        Assert.Equal("hello from b", await client.GetStringAsync("/hello"));
        var kept = proxy.Server.Pools[0].Backends[0].State;

        File.WriteAllText(_path, OnePool("round_robin", a.Address, b.Address));
        ReloadResult result = await proxy.Server.ReloadAsync();

        Assert.Equal(ReloadOutcome.Applied, result.Outcome);
        Assert.Contains($"pool 'main': backend {a.Address} added", result.Changes);
        Assert.Same(kept, proxy.Server.Pools[0].Backends[1].State);
        var bodies = new List<string>();
        for (int i = 0; i < 10; i++)
        {
            bodies.Add(await client.GetStringAsync("/hello"));
        }

        Assert.Equal(5, bodies.Count(x => x == "hello from a"));
    }

    [Fact]
    public async Task Reload_BackendRemoved_InFlightRequestFinishesAndNoRequestFails()
    {
        await using TestBackend a = await TestBackend.StartAsync("a");
        await using TestBackend b = await TestBackend.StartAsync("b");
        File.WriteAllText(_path, OnePool("round_robin", a.Address, b.Address));
        await using ProxyHost proxy = await ProxyHost.StartFromFileAsync(_path);
        using var slowClient = new HttpClient { BaseAddress = proxy.BaseUri };
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };
        BackendRuntime removed = proxy.Server.Pools[0].Backends[1];

        // Round robin over two: one slow request on each backend.
        Task<HttpResponseMessage>[] slow = [slowClient.GetAsync("/slow/1500"), slowClient.GetAsync("/slow/1500")];
        await WaitUntilAsync(() => a.InFlight == 1 && b.InFlight == 1);

        // Steady traffic across the reload: none of it may fail.
        using var stop = new CancellationTokenSource();
        Task<List<HttpStatusCode>> steady = Task.Run(async () =>
        {
            var statuses = new List<HttpStatusCode>();
            while (!stop.IsCancellationRequested)
            {
                using HttpResponseMessage response = await client.GetAsync("/hello");
                statuses.Add(response.StatusCode);
            }

            return statuses;
        });
        await WaitUntilAsync(() => a.Requests + b.Requests >= 10);
        File.WriteAllText(_path, OnePool("round_robin", a.Address));
        ReloadResult result = await proxy.Server.ReloadAsync();
        Assert.Equal(ReloadOutcome.Applied, result.Outcome);
        Assert.Contains(result.Changes, c => c.StartsWith($"pool 'main': backend {b.Address} removed, ", StringComparison.Ordinal));

        // Once the steady requests picked before the switch are done, only the slow one is left
        // on the removed backend, and nothing new reaches it.
        await WaitUntilAsync(() => removed.State.InFlight == 1);
        int bRequestsAtReload = b.Requests;
        int aRequestsAtReload = a.Requests;
        await WaitUntilAsync(() => a.Requests >= aRequestsAtReload + 20);
        stop.Cancel();
        List<HttpStatusCode> statuses = await steady;
        HttpResponseMessage[] slowResponses = await Task.WhenAll(slow);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.All(slowResponses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        string[] slowBodies = await Task.WhenAll(slowResponses.Select(r => r.Content.ReadAsStringAsync()));
        Assert.Equal(["slow from a", "slow from b"], slowBodies.Order());
        Assert.Equal(bRequestsAtReload, b.Requests);
        Assert.Equal(a.Address, Assert.Single(proxy.Server.Pools[0].Backends).Config.Address);

        // The drained backend reported to its own state, and its connection was closed, not pooled.
        // A client can read the last byte before the proxy has finished its bookkeeping of that
        // request, so wait (bounded) for the counts to settle before checking them.
        await WaitUntilAsync(() => removed.State.InFlight == 0 && proxy.Server.Pools[0].Balancer.InFlight == 0 && removed.Upstream.IsRetired);
        Assert.Equal(0, removed.State.InFlight);
        Assert.True(removed.Upstream.IsRetired);
        Assert.Equal(0, removed.Upstream.IdleCount);
        Assert.Equal(0, proxy.Server.Pools[0].Balancer.InFlight);
    }

    [Theory]
    [InlineData("weight", "pools[0].backends[1].weight: must be at least 1")]
    [InlineData("unknown", "unknown field 'colour'")]
    [InlineData("policy", "pools[0].policy: unknown policy 'fastest'")]
    [InlineData("listener", "listeners[0].listen: listeners cannot change on reload; restart")]
    [InlineData("json", "$")]
    public async Task Reload_BadFile_RefusedNamingTheFieldAndOldConfigKeepsServing(string what, string expected)
    {
        await using TestBackend a = await TestBackend.StartAsync("a");
        File.WriteAllText(_path, OnePool("round_robin", a.Address));
        await using ProxyHost proxy = await ProxyHost.StartFromFileAsync(_path);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };
        string good = OnePool("round_robin", a.Address, "127.0.0.1:9");
        File.WriteAllText(_path, what switch
        {
            "weight" => OnePool("round_robin", a.Address, "127.0.0.1:9*0"),
            "unknown" => good.Replace("\"mode\": \"http\"", "\"mode\": \"http\", \"colour\": \"red\""),
            "policy" => OnePool("fastest", a.Address, "127.0.0.1:9"),
            "listener" => good.Replace("\"listen\": \"127.0.0.1:0\", \"mode\"", "\"listen\": \"127.0.0.1:1\", \"mode\""),
            _ => good[..^10],
        });

        ReloadResult result = await proxy.Server.ReloadAsync();

        Assert.Equal(ReloadOutcome.Refused, result.Outcome);
        Assert.Equal(422, result.HttpStatus);
        Assert.Contains(result.Errors, e => e.StartsWith(expected, StringComparison.Ordinal) || e.Contains(expected, StringComparison.Ordinal));
        Assert.Equal(1, result.Generation);
        Assert.Equal(1, proxy.Server.ReloadStatus.Refused);
        Assert.Equal(1, proxy.Server.ReloadStatus.Generation);
        Assert.Single(proxy.Server.Pools[0].Backends);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal("hello from a", await client.GetStringAsync("/hello"));
        }
    }

    [Fact]
    public async Task Reload_KeptBackend_SameStateCountersAndKeepAlivePool()
    {
        await using TestBackend a = await TestBackend.StartAsync("a");
        await using TestBackend b = await TestBackend.StartAsync("b");
        File.WriteAllText(_path, OnePool("least_response_time", a.Address));
        await using ProxyHost proxy = await ProxyHost.StartFromFileAsync(_path);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };
        for (int i = 0; i < 10; i++)
        {
            await client.GetStringAsync("/hello");
        }

        BackendRuntime before = proxy.Server.Pools[0].Backends[0];

        // The client can have the last answer a moment before the proxy counts it.
        await WaitUntilAsync(() => before.State.Requests == 10 && before.Upstream.IdleCount > 0);
        double ewma = before.State.EwmaLatencyMs;
        int idle = before.Upstream.IdleCount;
        Assert.Equal(10, before.State.Requests);
        Assert.True(ewma > 0);
        Assert.True(idle > 0);
        int connectionsBefore = a.Connections.Count;

        // New weight and a new backend: a new policy over the surviving state.
        File.WriteAllText(_path, OnePool("least_response_time", $"{a.Address}*3", b.Address));
        ReloadResult result = await proxy.Server.ReloadAsync();

        Assert.Equal(ReloadOutcome.Applied, result.Outcome);
        Assert.Contains($"pool 'main': backend {a.Address} weight 1 -> 3", result.Changes);
        BackendRuntime after = proxy.Server.Pools[0].Backends[0];
        Assert.NotSame(before, after);
        Assert.Same(before.State, after.State);
        Assert.Same(before.Upstream, after.Upstream);
        Assert.Same(before.Metrics, after.Metrics);
        Assert.Same(before.State, proxy.Server.Pools[0].Balancer.Backends[0]);
        Assert.Equal(3, after.State.Weight);
        Assert.Equal(10, after.State.Requests);
        Assert.Equal(ewma, after.State.EwmaLatencyMs);
        Assert.Equal(idle, after.Upstream.IdleCount);
        Assert.False(after.Upstream.IsRetired);
        Assert.Equal(10, after.Metrics.Requests(StatusClass.Of(200)));

        // Its pooled connection carries the next request: no new connection to the backend.
        // (least_response_time may try the new backend first; the backend counts before it answers.)
        int served = a.Requests;
        while (a.Requests == served)
        {
            await client.GetStringAsync("/hello");
        }

        await WaitUntilAsync(() => after.State.Requests == 11);

        Assert.Equal(connectionsBefore, a.Connections.Count);
    }

    [Fact]
    public async Task Reload_SameBackendsNewWeight_KeepsPolicyInstance_NewPolicyNameBuildsNew()
    {
        await using TestBackend a = await TestBackend.StartAsync("a");
        await using TestBackend b = await TestBackend.StartAsync("b");
        File.WriteAllText(_path, OnePool("weighted_round_robin", a.Address, b.Address));
        await using ProxyHost proxy = await ProxyHost.StartFromFileAsync(_path);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };
        Balancer balancer = proxy.Server.Pools[0].Balancer;

        File.WriteAllText(_path, OnePool("weighted_round_robin", $"{a.Address}*3", b.Address));
        ReloadResult reweighted = await proxy.Server.ReloadAsync();

        Assert.Equal(ReloadOutcome.Applied, reweighted.Outcome);
        Assert.Same(balancer, proxy.Server.Pools[0].Balancer);
        var bodies = new List<string>();
        for (int i = 0; i < 40; i++)
        {
            bodies.Add(await client.GetStringAsync("/hello"));
        }

        Assert.InRange(bodies.Count(x => x == "hello from a"), 29, 31);

        File.WriteAllText(_path, OnePool("least_connections", $"{a.Address}*3", b.Address));
        ReloadResult changed = await proxy.Server.ReloadAsync();

        Assert.Equal(3, changed.Generation);
        Assert.Contains("pool 'main': policy weighted_round_robin -> least_connections", changed.Changes);
        Assert.Equal("least_connections", proxy.Server.Pools[0].Balancer.Policy.Name);
        Assert.Same(balancer.Backends[0], proxy.Server.Pools[0].Balancer.Backends[0]);
        Assert.Same(balancer.Backends[1], proxy.Server.Pools[0].Balancer.Backends[1]);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/hello")).StatusCode);
    }

    [Fact]
    public async Task Reload_DeadlineMsChanged_NewPolicyBuilt_UnchangedKeepsIt()
    {
        await using TestBackend a = await TestBackend.StartAsync("a");
        string WithDeadline(string deadline) => OnePool("least_connections", a.Address).Replace("\"policy\":", $"{deadline}\"policy\":");
        File.WriteAllText(_path, WithDeadline(""));
        await using ProxyHost proxy = await ProxyHost.StartFromFileAsync(_path);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };
        Balancer first = proxy.Server.Pools[0].Balancer;

        File.WriteAllText(_path, WithDeadline("\"deadlineMs\": 200, "));
        ReloadResult set = await proxy.Server.ReloadAsync();

        Assert.Equal(ReloadOutcome.Applied, set.Outcome);
        Assert.Equal(["pool 'main': deadlineMs none -> 200", "pool 'main': new least_connections policy for the new deadline"], set.Changes);
        Balancer second = proxy.Server.Pools[0].Balancer;
        Assert.NotSame(first, second);
        Assert.Same(first.Backends[0], second.Backends[0]);
        Assert.Equal(200, proxy.Server.Pools[0].Config.DeadlineMs);

        ReloadResult same = await proxy.Server.ReloadAsync();

        Assert.Equal(ReloadOutcome.Applied, same.Outcome);
        Assert.Empty(same.Changes);
        Assert.Same(second, proxy.Server.Pools[0].Balancer);
        Assert.Equal("hello from a", await client.GetStringAsync("/hello"));
    }

    [Fact]
    public async Task Reload_PoolAndRouteAdded_RequestsRouteToTheNewPool()
    {
        await using TestBackend a = await TestBackend.StartAsync("a");
        await using TestBackend b = await TestBackend.StartAsync("b");
        File.WriteAllText(_path, OnePool("round_robin", a.Address));
        await using ProxyHost proxy = await ProxyHost.StartFromFileAsync(_path);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };
        Assert.Equal("api from a", await client.GetStringAsync("/api/hello"));

        File.WriteAllText(_path, $$"""
            {
              "admin": { "listen": "127.0.0.1:0" },
              "listeners": [ { "name": "web", "listen": "127.0.0.1:0", "mode": "http", "pool": "main" } ],
              "routes": [ { "listener": "web", "pathPrefix": "/api", "pool": "api" } ],
              "pools": [ { "name": "main", "policy": "round_robin", "backends": [ {{Backends([a.Address])}} ] },
                         { "name": "api", "policy": "power_of_two", "backends": [ {{Backends([b.Address])}} ],
                           "healthCheck": { "path": "/hello", "intervalMs": 100, "timeoutMs": 500 } } ],
              "limits": { "idleTimeoutMs": 30000 }
            }
            """);
        ReloadResult result = await proxy.Server.ReloadAsync();

        Assert.Equal(ReloadOutcome.Applied, result.Outcome);
        Assert.Contains("pool 'api': added", result.Changes);
        Assert.Contains("routes: 0 -> 1 routes", result.Changes);
        Assert.Contains("limits.idleTimeoutMs: 60000 -> 30000", result.Changes);
        Assert.Equal("api from b", await client.GetStringAsync("/api/hello"));
        Assert.Equal("hello from a", await client.GetStringAsync("/hello"));
        Assert.Equal(30000, proxy.Server.Config.Limits.IdleTimeoutMs);

        // The health checker follows the new pool: its backend is checked.
        int checks = b.Requests;
        await WaitUntilAsync(() => b.Requests >= checks + 3);
    }

    [Fact]
    public async Task PostReload_AppliesThenRefuses_AnswersJsonAndMetricsCountBoth()
    {
        await using TestBackend a = await TestBackend.StartAsync("a");
        await using TestBackend b = await TestBackend.StartAsync("b");
        File.WriteAllText(_path, OnePool("round_robin", a.Address));
        await using ProxyHost proxy = await ProxyHost.StartFromFileAsync(_path);
        using var client = new HttpClient();

        File.WriteAllText(_path, OnePool("round_robin", a.Address, b.Address));
        using HttpResponseMessage ok = await client.PostAsync(new Uri(proxy.AdminUri, "/reload"), null);
        using JsonDocument okBody = JsonDocument.Parse(await ok.Content.ReadAsStringAsync());
        File.WriteAllText(_path, OnePool("round_robin", a.Address, "127.0.0.1:9*0"));
        using HttpResponseMessage refused = await client.PostAsync(new Uri(proxy.AdminUri, "/reload"), null);
        using JsonDocument refusedBody = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("ok", okBody.RootElement.GetProperty("result").GetString());
        Assert.Equal(2, okBody.RootElement.GetProperty("generation").GetInt64());
        Assert.Equal($"pool 'main': backend {b.Address} added", okBody.RootElement.GetProperty("changes")[0].GetString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal("error", refusedBody.RootElement.GetProperty("result").GetString());
        Assert.Equal(2, refusedBody.RootElement.GetProperty("generation").GetInt64());
        Assert.StartsWith("pools[0].backends[1].weight:", refusedBody.RootElement.GetProperty("errors")[0].GetString());

        using JsonDocument status = JsonDocument.Parse(await client.GetStringAsync(new Uri(proxy.AdminUri, "/status")));
        JsonElement config = status.RootElement.GetProperty("config");
        Assert.Equal(_path, config.GetProperty("path").GetString());
        Assert.Equal(2, config.GetProperty("generation").GetInt64());
        Assert.Equal(1, config.GetProperty("reloads").GetInt64());
        Assert.Equal(1, config.GetProperty("reload_failures").GetInt64());
        Assert.Equal("error", config.GetProperty("last_reload").GetProperty("result").GetString());
        Assert.Equal(2, status.RootElement.GetProperty("pools")[0].GetProperty("backends").GetArrayLength());

        string metrics = await client.GetStringAsync(new Uri(proxy.AdminUri, "/metrics"));
        Assert.Contains("fastlb_config_reloads_total{result=\"ok\"} 1\n", metrics);
        Assert.Contains("fastlb_config_reloads_total{result=\"error\"} 1\n", metrics);
        Assert.Contains("fastlb_config_generation 2\n", metrics);
        Assert.Contains("fastlb_config_last_reload_successful 0\n", metrics);
        Assert.Contains("fastlb_config_last_reload_success_timestamp_seconds ", metrics);
        (int exitCode, string output) = await RunAsync("promtool", "check metrics", metrics);
        Assert.True(exitCode == 0, $"promtool check metrics failed:\n{output}");
    }

    [Fact]
    public async Task PostReload_StartedFromFlags_Answers409NoFileToReload()
    {
        await using TestBackend a = await TestBackend.StartAsync("a");
        await using ProxyHost proxy = await ProxyHost.StartAsync([a.Address]);
        using var client = new HttpClient();

        using HttpResponseMessage response = await client.PostAsync(new Uri(proxy.AdminUri, "/reload"), null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("no config file to reload", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, proxy.Server.ReloadStatus.Refused);
    }

    [Fact]
    public async Task Reload_TcpListenerBackendReplaced_OpenSessionStaysNewConnectionsMove()
    {
        await using TestBackend a = await TestBackend.StartAsync("a");
        await using TestBackend b = await TestBackend.StartAsync("b");
        string Tcp(string backend) => $$"""
            {
              "admin": { "listen": "127.0.0.1:0" },
              "listeners": [ { "name": "raw", "listen": "127.0.0.1:0", "mode": "tcp", "pool": "main" } ],
              "pools": [ { "name": "main", "policy": "round_robin", "backends": [ {{Backends([backend])}} ] } ]
            }
            """;
        File.WriteAllText(_path, Tcp(a.Address));
        await using ProxyHost proxy = await ProxyHost.StartFromFileAsync(_path);
        using var open = new HttpClient { BaseAddress = proxy.BaseUri };
        Assert.Equal("hello from a", await open.GetStringAsync("/hello"));

        File.WriteAllText(_path, Tcp(b.Address));
        ReloadResult result = await proxy.Server.ReloadAsync();

        Assert.Equal(ReloadOutcome.Applied, result.Outcome);

        // The open session (one kept-alive connection, one tcp session) stays on its backend.
        Assert.Equal("hello from a", await open.GetStringAsync("/hello"));
        using var fresh = new HttpClient { BaseAddress = proxy.BaseUri };
        Assert.Equal("hello from b", await fresh.GetStringAsync("/hello"));
    }

    [Fact]
    public async Task Reload_PoolTurnsFastLb_ModelLoadedAndNewPoliciesGetIt()
    {
        string model = Path.Combine(Path.GetTempPath(), $"fastlb-reload-{Guid.NewGuid():N}.model");
        File.Copy(Tests.Model.ModelWatcherTests.RepositoryModel, model);
        try
        {
            await using TestBackend a = await TestBackend.StartAsync("a");
            await using TestBackend b = await TestBackend.StartAsync("b");
            string WithModel(string policy, params string[] backends) =>
                OnePool(policy, backends).Replace("\"pools\":", $"\"model\": {{ \"path\": \"{model}\" }},\n  \"pools\":");
            File.WriteAllText(_path, WithModel("round_robin", a.Address));
            await using ProxyHost proxy = await ProxyHost.StartFromFileAsync(_path);
            using var client = new HttpClient { BaseAddress = proxy.BaseUri };
            Assert.Null(proxy.Server.Model);

            File.WriteAllText(_path, WithModel("fastlb", a.Address));
            ReloadResult turned = await proxy.Server.ReloadAsync();

            Assert.Equal(ReloadOutcome.Applied, turned.Outcome);
            FastLb.Proxy.Model.ModelWatcher watcher = Assert.IsType<FastLb.Proxy.Model.ModelWatcher>(proxy.Server.Model);
            var first = Assert.IsType<FastLbPolicy>(proxy.Server.Pools[0].Balancer.Policy);
            Assert.NotNull(watcher.Current);
            Assert.Same(watcher.Current, first.Model);
            Assert.Equal("hello from a", await client.GetStringAsync("/hello"));

            File.WriteAllText(_path, WithModel("fastlb", a.Address, b.Address));
            ReloadResult grown = await proxy.Server.ReloadAsync();

            Assert.Contains("pool 'main': new fastlb policy over the new backend set", grown.Changes);
            var second = Assert.IsType<FastLbPolicy>(proxy.Server.Pools[0].Balancer.Policy);
            Assert.NotSame(first, second);
            Assert.Same(watcher.Current, second.Model);
            Assert.Same(second, Assert.Single(proxy.Server.Routing.ModelUsers));
            Assert.Same(watcher, proxy.Server.Model);
            for (int i = 0; i < 10; i++)
            {
                Assert.Matches("^hello from [ab]$", await client.GetStringAsync("/hello"));
            }
        }
        finally
        {
            File.Delete(model);
        }
    }

    /// <inheritdoc />
    public void Dispose() => File.Delete(_path);
}

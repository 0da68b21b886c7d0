using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using FastLb.Policy.Learning;
using FastLb.Proxy.Configuration;
using FastLb.Proxy.Tests.Configuration;
using FastLb.Proxy.Tests.Infrastructure;
using FastLb.Proxy.Tests.Model;
using static FastLb.Proxy.Tests.Admin.AdminEndpointTests;

namespace FastLb.Proxy.Tests.Forwarding;

public sealed class PolicyThroughProxyTests
{
    [Fact]
    public async Task LeastConnections_BackendHoldingLongRequest_Avoided()
    {
        await using TestBackend first = await TestBackend.StartAsync("first");
        await using TestBackend second = await TestBackend.StartAsync("second");
        await using ProxyHost proxy = await ProxyHost.StartAsync([first.Address, second.Address], policy: "least_connections");
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };

        Task<string> longRequest = client.GetStringAsync("/slow/3000");
        await Admin.AdminEndpointTests.WaitUntilAsync(() => first.InFlight + second.InFlight == 1);
        TestBackend busy = first.InFlight == 1 ? first : second;
        TestBackend idle = busy == first ? second : first;
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal($"hello from {idle.Name}", await client.GetStringAsync("/hello"));
        }

        Assert.Equal($"slow from {busy.Name}", await longRequest);
        Assert.Equal(1, busy.Requests);
    }

    [Fact]
    public async Task FastLb_BusyBackendPredictedPastDeadline_Shed503WithRetryAfterCountedAcrossReload()
    {
        // The repository's model was trained on 20 ms service times, so it predicts tens of ms: with
        // a 1 ms deadline fastlb sheds a request for a backend that already has one in flight. A
        // backend with nothing in flight is never shed, so the first requests go through.
        await using TestBackend a = await TestBackend.StartAsync("a");
        string path = Path.Combine(Path.GetTempPath(), $"fastlb-shed-{Guid.NewGuid():N}.json");
        string Config(int deadlineMs) => ConfigReloadTests.OnePool("fastlb", a.Address)
            .Replace("\"policy\":", $"\"deadlineMs\": {deadlineMs}, \"policy\":")
            .Replace("\"pools\":", $"\"model\": {{ \"path\": {JsonSerializer.Serialize(ModelWatcherTests.RepositoryModel)} }},\n  \"pools\":");
        try
        {
            File.WriteAllText(path, Config(1));
            await using ProxyHost proxy = await ProxyHost.StartFromFileAsync(path);
            using var client = new HttpClient { BaseAddress = proxy.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
            using var admin = new HttpClient { BaseAddress = proxy.AdminUri, Timeout = TimeSpan.FromSeconds(30) };
            var policy = Assert.IsType<FastLbPolicy>(proxy.Server.Pools[0].Balancer.Policy);
            Assert.NotNull(policy.Model);

            // The first pick makes the backend known to the policy; of the prediction tables the
            // proxy's refresher builds after it (every 200 ms), the second surely has its row.
            Assert.Equal("hello from a", await client.GetStringAsync("/hello"));
            long builds = policy.TableBuilds;
            await WaitUntilAsync(() => policy.TableBuilds >= builds + 2);

            Task<string> held = client.GetStringAsync("/hold");
            await WaitUntilAsync(() => a.InFlight == 1);
            int served = a.Requests;

            using HttpResponseMessage response = await client.GetAsync("/hello");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
            Assert.Equal(served, a.Requests);
            long shed = ShedTotal(await admin.GetStringAsync("/metrics"));
            Assert.True(shed >= 1, $"fastlb_requests_shed_total is {shed}");
            Assert.Equal(shed, proxy.Server.Pools[0].Balancer.Shed);

            a.ReleaseHeld();
            Assert.Equal("held by a", await held.WaitAsync(TimeSpan.FromSeconds(10)));

            // A new deadline builds a new policy and balancer, whose own count starts at 0; the
            // pool's counter goes on from where it was.
            File.WriteAllText(path, Config(2));
            ReloadResult reloaded = await proxy.Server.ReloadAsync();

            Assert.Contains("pool 'main': deadlineMs 1 -> 2", reloaded.Changes);
            Assert.NotSame(policy, proxy.Server.Pools[0].Balancer.Policy);
            Assert.Equal(0, proxy.Server.Pools[0].Balancer.Shed);
            Assert.Equal(shed, ShedTotal(await admin.GetStringAsync("/metrics")));
            await WaitUntilAsync(() => proxy.Server.Pools[0].Backends[0].State.InFlight == 0);
            Assert.Equal("hello from a", await client.GetStringAsync("/hello"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The value of <c>fastlb_requests_shed_total</c> for pool <c>main</c> in a /metrics text.</summary>
    private static long ShedTotal(string metrics)
    {
        Match match = Regex.Match(metrics, "^fastlb_requests_shed_total\\{pool=\"main\"\\} (\\d+)$", RegexOptions.Multiline);
        Assert.True(match.Success, "no fastlb_requests_shed_total for pool main");
        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [Theory]
    [InlineData("header:X-User", "X-User", "{0}")]
    [InlineData("cookie:session", "Cookie", "theme=dark; session={0}; lang=en")]
    public async Task ConsistentHash_ByHeaderOrCookie_SameKeySameBackend(string hashKey, string header, string valueFormat)
    {
        var backends = new List<TestBackend>();
        for (int i = 0; i < 4; i++)
        {
            backends.Add(await TestBackend.StartAsync($"b{i}"));
        }

        try
        {
            await using ProxyHost proxy = await ProxyHost.StartAsync(backends.Select(b => b.Address), policy: "consistent_hash",
                configure: o => o.Pools[0].HashKey = hashKey);
            using var client = new HttpClient { BaseAddress = proxy.BaseUri };
            var chosen = new Dictionary<string, HashSet<string>>();
            for (int round = 0; round < 3; round++)
            {
                for (int user = 0; user < 40; user++)
                {
                    string key = $"user-{user}";
                    using var request = new HttpRequestMessage(HttpMethod.Get, "/hello");
                    request.Headers.TryAddWithoutValidation(header, string.Format(System.Globalization.CultureInfo.InvariantCulture, valueFormat, key));
                    using HttpResponseMessage response = await client.SendAsync(request);
                    string body = await response.Content.ReadAsStringAsync();
                    (chosen.TryGetValue(key, out var set) ? set : chosen[key] = []).Add(body);
                }
            }

            Assert.All(chosen.Values, set => Assert.Single(set));
            Assert.True(chosen.Values.Select(s => s.Single()).Distinct().Count() >= 3, "40 keys should spread over the backends");
        }
        finally
        {
            foreach (TestBackend backend in backends)
            {
                await backend.DisposeAsync();
            }
        }
    }
}

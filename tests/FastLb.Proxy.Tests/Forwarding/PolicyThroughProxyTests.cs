using FastLb.Proxy.Tests.Infrastructure;

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

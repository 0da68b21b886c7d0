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
}

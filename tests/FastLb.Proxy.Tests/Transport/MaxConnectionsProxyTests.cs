using FastLb.Proxy.Tests.Infrastructure;

namespace FastLb.Proxy.Tests.Transport;

public sealed class MaxConnectionsProxyTests
{
    private const string Get = "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n";

    [Fact]
    public async Task Proxy_MaxConnectionsThree_FourthGets503AndClose_CountedInMetrics_ServedAgainOnceOneCloses()
    {
        await using TestBackend backend = await TestBackend.StartAsync("b");
        await using ProxyHost proxy = await ProxyHost.StartAsync([backend.Address], configure: o => o.Limits.MaxConnections = 3);
        var held = new List<RawHttp>();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                RawHttp client = await RawHttp.ConnectAsync(proxy.EndPoint);
                held.Add(client);
                await client.SendAsync(Get);
                Assert.Equal(200, (await client.ReadResponseAsync()).Status);
            }

            await using (RawHttp fourth = await RawHttp.ConnectAsync(proxy.EndPoint))
            {
                RawResponse refused = await fourth.ReadResponseAsync();
                Assert.Equal(503, refused.Status);
                Assert.Contains("Connection: close", refused.Head);
                Assert.True(await fourth.IsClosedByPeerAsync());
            }

            Assert.Equal(1, proxy.Server.Metrics.ClientConnectionsRefused);
            using var http = new HttpClient();
            string metrics = await http.GetStringAsync(new Uri(proxy.AdminUri, "/metrics"));
            Assert.Contains("fastlb_client_connections_refused_total{reason=\"limit\"} 1\n", metrics);

            // The held ones still work, keep-alive.
            await held[2].SendAsync(Get);
            Assert.Equal(200, (await held[2].ReadResponseAsync()).Status);

            await held[0].DisposeAsync();
            held.RemoveAt(0);

            // The slot is released when the connection's task ends, just after the active gauge drops: wait for the
            // gauge, then connect until served (at most a refusal or two in that window), bounded.
            DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (proxy.Server.Metrics.ClientConnectionsActive != 2)
            {
                Assert.True(DateTime.UtcNow < deadline, "the closed connection did not end");
                await Task.Delay(10);
            }

            while (true)
            {
                RawHttp next = await RawHttp.ConnectAsync(proxy.EndPoint);
                int status;
                try
                {
                    await next.SendAsync(Get);
                    status = (await next.ReadResponseAsync()).Status;
                }
                catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
                {
                    status = 0; // refused while the request was on its way: reset
                }

                if (status == 200)
                {
                    held.Add(next);
                    break;
                }

                await next.DisposeAsync();
                Assert.True(DateTime.UtcNow < deadline, "no connection served after one closed");
                await Task.Delay(10);
            }
        }
        finally
        {
            foreach (RawHttp client in held)
            {
                await client.DisposeAsync();
            }
        }
    }
}

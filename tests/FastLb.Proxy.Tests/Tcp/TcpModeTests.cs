using System.Net;
using System.Net.Sockets;
using System.Text;
using FastLb.Policy.Learning;
using FastLb.Proxy.Tests.Infrastructure;
using FastLb.Proxy.Tests.Model;
using static FastLb.Proxy.Tests.Admin.AdminEndpointTests;

namespace FastLb.Proxy.Tests.Tcp;

public sealed class TcpModeTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Echo_WithHalfClose_AllBytesBackThenEnd(bool splice)
    {
        await using var echo = new EchoServer();
        await using ProxyHost proxy = await ProxyHost.StartAsync([echo.Address], mode: "tcp",
            configure: o => o.Listeners[0].Splice = splice);
        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(proxy.EndPoint);
        byte[] payload = new byte[3 * 1024 * 1024];
        new Random(7).NextBytes(payload);

        Task<byte[]> reading = ReadToEndAsync(client);
        await client.SendAsync(payload, SocketFlags.None);
        client.Shutdown(SocketShutdown.Send);
        byte[] received = await reading.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(payload.Length, received.Length);
        Assert.True(payload.AsSpan().SequenceEqual(received));
    }

    [Fact]
    public async Task Tcp_ManyConnections_SpreadRoundRobin()
    {
        await using var first = new EchoServer();
        await using var second = new EchoServer();
        await using ProxyHost proxy = await ProxyHost.StartAsync([first.Address, second.Address], mode: "tcp");

        for (int i = 0; i < 10; i++)
        {
            using var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(proxy.EndPoint);
            await client.SendAsync(Encoding.ASCII.GetBytes("ping"), SocketFlags.None);
            client.Shutdown(SocketShutdown.Send);
            Assert.Equal("ping", Encoding.ASCII.GetString(await ReadToEndAsync(client)));
        }

        Assert.Equal(5, first.Accepted);
        Assert.Equal(5, second.Accepted);
    }

    [Fact]
    public async Task FastLb_BusyBackendPredictedPastDeadline_ConnectionClosedAndCountedAsShed()
    {
        // The repository's model predicts tens of ms, so with a 1 ms deadline fastlb sheds a
        // connection for a backend that already has one open; the first one goes through.
        await using var echo = new EchoServer();
        await using ProxyHost proxy = await ProxyHost.StartAsync([echo.Address], policy: "fastlb", mode: "tcp", configure: o =>
        {
            o.Model.Path = ModelWatcherTests.RepositoryModel;
            o.Pools[0].DeadlineMs = 1;
        });
        var policy = Assert.IsType<FastLbPolicy>(proxy.Server.Pools[0].Balancer.Policy);
        using var open = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await open.ConnectAsync(proxy.EndPoint);
        await open.SendAsync(Encoding.ASCII.GetBytes("ping"), SocketFlags.None);
        byte[] echoed = new byte[4];
        for (int got = 0; got < echoed.Length;)
        {
            int read = await open.ReceiveAsync(echoed.AsMemory(got), SocketFlags.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(read > 0, "the open session ended early");
            got += read;
        }

        // The open session's pick made the backend known; a table built after it has its row.
        long builds = policy.TableBuilds;
        await WaitUntilAsync(() => policy.TableBuilds >= builds + 2);
        using var shed = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await shed.ConnectAsync(proxy.EndPoint);

        Assert.Empty(await ReadToEndAsync(shed).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, proxy.Server.Pools[0].Metrics.Shed);
        Assert.Equal(1, echo.Accepted);

        open.Shutdown(SocketShutdown.Send);
        Assert.Empty(await ReadToEndAsync(open).WaitAsync(TimeSpan.FromSeconds(10)));
    }

    private static async Task<byte[]> ReadToEndAsync(Socket socket)
    {
        var received = new MemoryStream();
        byte[] buffer = new byte[65536];
        while (true)
        {
            int read = await socket.ReceiveAsync(buffer, SocketFlags.None);
            if (read == 0)
            {
                return received.ToArray();
            }

            received.Write(buffer, 0, read);
        }
    }

    /// <summary>Echoes every byte until the client half-closes, then closes.</summary>
    private sealed class EchoServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Task _loop;
        public int Accepted;

        public EchoServer()
        {
            _listener.Start();
            Address = $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
            _loop = Task.Run(async () =>
            {
                while (true)
                {
                    Socket socket;
                    try
                    {
                        socket = await _listener.AcceptSocketAsync();
                    }
                    catch (Exception e) when (e is SocketException or ObjectDisposedException)
                    {
                        return;
                    }

                    Interlocked.Increment(ref Accepted);
                    _ = Task.Run(async () =>
                    {
                        using (socket)
                        {
                            byte[] buffer = new byte[65536];
                            int read;
                            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None)) > 0)
                            {
                                await socket.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
                            }

                            socket.Shutdown(SocketShutdown.Send);
                        }
                    });
                }
            });
        }

        public string Address { get; }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            await _loop;
        }
    }
}

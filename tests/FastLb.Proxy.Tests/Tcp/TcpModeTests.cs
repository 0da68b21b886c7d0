using System.Net;
using System.Net.Sockets;
using System.Text;
using FastLb.Proxy.Tests.Infrastructure;

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

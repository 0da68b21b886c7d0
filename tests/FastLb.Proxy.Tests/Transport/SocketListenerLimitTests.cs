using System.Net;
using System.Net.Sockets;
using System.Text;
using FastLb.Proxy.Metrics;
using FastLb.Proxy.Transport;

namespace FastLb.Proxy.Tests.Transport;

public sealed class SocketListenerLimitTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    /// <summary>Echoes what it reads until the client closes: a held keep-alive connection.</summary>
    private static async Task EchoAsync(Socket socket)
    {
        using (socket)
        {
            var buffer = new byte[256];
            try
            {
                while (true)
                {
                    int n = await socket.ReceiveAsync(buffer, SocketFlags.None);
                    if (n == 0)
                    {
                        return;
                    }

                    await socket.SendAsync(buffer.AsMemory(0, n), SocketFlags.None);
                }
            }
            catch (SocketException)
            {
            }
        }
    }

    private static async Task<Socket> ConnectAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endPoint);
        return socket;
    }

    /// <summary>Sends a byte and waits for its echo: the connection is served.</summary>
    private static async Task AssertServedAsync(Socket socket)
    {
        using var cts = new CancellationTokenSource(Bound);
        await socket.SendAsync("x"u8.ToArray(), SocketFlags.None, cts.Token);
        var one = new byte[1];
        Assert.Equal(1, await socket.ReceiveAsync(one, SocketFlags.None, cts.Token));
        Assert.Equal((byte)'x', one[0]);
    }

    /// <summary>Reads until the peer closes (a reset counts as closed).</summary>
    private static async Task<string> ReadToEndAsync(Socket socket)
    {
        using var cts = new CancellationTokenSource(Bound);
        var received = new MemoryStream();
        var buffer = new byte[256];
        try
        {
            int n;
            while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token)) > 0)
            {
                received.Write(buffer, 0, n);
            }
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
        }

        return Encoding.ASCII.GetString(received.ToArray());
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        DateTime deadline = DateTime.UtcNow + Bound;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task MaxConnections_FourthRefusedWith503AndCounted_ServedAgainOnceOneCloses()
    {
        var metrics = new ProxyMetrics();
        var limit = new ConnectionLimit(() => 3);
        var guard = new AcceptGuard(limit, metrics, AcceptGuard.HttpRefusal, TextWriter.Null, TimeProvider.System, "web");
        await using var listener = new SocketListener(new IPEndPoint(IPAddress.Loopback, 0), EchoAsync, guard);
        listener.Start();

        var held = new List<Socket>();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                Socket socket = await ConnectAsync(listener.EndPoint);
                held.Add(socket);
                await AssertServedAsync(socket);
            }

            Assert.Equal(3, limit.Held);
            using (Socket fourth = await ConnectAsync(listener.EndPoint))
            {
                string answer = await ReadToEndAsync(fourth);
                Assert.StartsWith("HTTP/1.1 503 Service Unavailable\r\n", answer);
                Assert.Contains("Connection: close\r\n", answer);
            }

            Assert.Equal(1, metrics.ClientConnectionsRefused);
            Assert.Equal(3, limit.Held);

            held[0].Dispose();
            held.RemoveAt(0);
            await WaitUntilAsync(() => limit.Held == 2);

            Socket fifth = await ConnectAsync(listener.EndPoint);
            held.Add(fifth);
            await AssertServedAsync(fifth);
            Assert.Equal(3, limit.Held);
            Assert.Equal(1, metrics.ClientConnectionsRefused);
        }
        finally
        {
            held.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task MaxConnections_TcpListenerClosesWithoutBytes_AndARaisedLimitAppliesAtOnce()
    {
        var metrics = new ProxyMetrics();
        int max = 1;
        var limit = new ConnectionLimit(() => Volatile.Read(ref max));
        var guard = new AcceptGuard(limit, metrics, ReadOnlyMemory<byte>.Empty, TextWriter.Null, TimeProvider.System, "raw");
        await using var listener = new SocketListener(new IPEndPoint(IPAddress.Loopback, 0), EchoAsync, guard);
        listener.Start();

        using Socket first = await ConnectAsync(listener.EndPoint);
        await AssertServedAsync(first);
        using (Socket refused = await ConnectAsync(listener.EndPoint))
        {
            Assert.Equal("", await ReadToEndAsync(refused));
        }

        Assert.Equal(1, metrics.ClientConnectionsRefused);

        Volatile.Write(ref max, 2); // as a reload would
        using Socket second = await ConnectAsync(listener.EndPoint);
        await AssertServedAsync(second);
        Assert.Equal(2, limit.Held);
        Assert.Equal(1, metrics.ClientConnectionsRefused);
    }

    [Fact]
    public void ConnectionLimit_NeverHoldsMoreThanItsMaximumUnderContention()
    {
        var limit = new ConnectionLimit(() => 5);
        int granted = 0;
        Parallel.For(0, 1000, _ =>
        {
            if (limit.TryReserve())
            {
                Interlocked.Increment(ref granted);
            }
        });

        Assert.Equal(5, granted);
        Assert.Equal(5, limit.Held);
        limit.Release();
        Assert.True(limit.TryReserve());
        Assert.False(limit.TryReserve());
    }
}

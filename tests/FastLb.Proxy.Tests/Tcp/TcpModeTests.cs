using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using FastLb.Policy.Learning;
using FastLb.Proxy.Metrics;
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

        // The relay path really taken: today's kernels splice tcp sockets, so with splice on every
        // byte went through the pipe and none was copied (a silent fallback to copying fails
        // here), and with it off the reverse. Pumps count when they end: wait for both.
        ProxyMetrics metrics = proxy.Server.Metrics;
        TcpRelayMode used = splice && OperatingSystem.IsLinux() ? TcpRelayMode.Splice : TcpRelayMode.Copy;
        TcpRelayMode unused = used == TcpRelayMode.Splice ? TcpRelayMode.Copy : TcpRelayMode.Splice;
        await WaitUntilAsync(() => metrics.TcpBytes(used, TcpDirection.ToBackend) == payload.Length
            && metrics.TcpBytes(used, TcpDirection.ToClient) == payload.Length);
        Assert.Equal(0, metrics.TcpBytes(unused, TcpDirection.ToBackend));
        Assert.Equal(0, metrics.TcpBytes(unused, TcpDirection.ToClient));
        using var http = new HttpClient();
        string exposition = await http.GetStringAsync(new Uri(proxy.AdminUri, "/metrics"));
        string label = used == TcpRelayMode.Splice ? "splice" : "copy";
        Assert.Contains($"fastlb_tcp_bytes_total{{mode=\"{label}\",direction=\"to_client\"}} {payload.Length}\n", exposition);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ManyShortSessions_SomeAbortedMidTransfer_NeverCrossBytes(bool splice)
    {
        // 200 sessions, 16 at a time, each with its own random payload; every fifth session's
        // client resets mid-transfer and every fifth (another) has its backend reset mid-transfer.
        // Resets close both sockets of a session while its other direction may be splicing, and
        // the freed descriptor numbers are reused at once by the next sessions: a relay that used
        // a stale number would put one session's bytes into another. Every completed session
        // must get back exactly what it sent (by hash), an aborted one a prefix of it.
        const int Sessions = 200;
        await using var echo = new EchoServer(abortOnMarker: true);
        await using ProxyHost proxy = await ProxyHost.StartAsync([echo.Address], mode: "tcp",
            configure: o => o.Listeners[0].Splice = splice);
        using var gate = new SemaphoreSlim(16);
        var results = new SessionResult[Sessions];
        Task[] sessions = Enumerable.Range(0, Sessions).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                results[i] = await RunSessionAsync(proxy.EndPoint, i, (SessionKind)(i % 5 < 3 ? 0 : i % 5 - 2));
            }
            finally
            {
                gate.Release();
            }
        }).ToArray();
        await Task.WhenAll(sessions).WaitAsync(TimeSpan.FromSeconds(120));

        for (int i = 0; i < Sessions; i++)
        {
            SessionResult r = results[i];
            if (r.Kind == SessionKind.Complete)
            {
                Assert.True(r.Received.Length == r.Sent.Length, $"session {i}: {r.Received.Length} of {r.Sent.Length} bytes back");
                Assert.True(SHA256.HashData(r.Sent).AsSpan().SequenceEqual(SHA256.HashData(r.Received)), $"session {i}: echo differs from what it sent");
            }
            else
            {
                Assert.True(r.Received.Length <= r.Sent.Length, $"session {i} ({r.Kind}): more bytes back than sent");
                Assert.True(SHA256.HashData(r.Sent.AsSpan(0, r.Received.Length)).AsSpan().SequenceEqual(SHA256.HashData(r.Received)),
                    $"session {i} ({r.Kind}): bytes back are not a prefix of what it sent");
            }
        }

        // Every session ended on the proxy too, and none took the other relay path.
        ProxyMetrics metrics = proxy.Server.Metrics;
        await WaitUntilAsync(() => metrics.ClientConnectionsActive == 0);
        TcpRelayMode unused = splice && OperatingSystem.IsLinux() ? TcpRelayMode.Copy : TcpRelayMode.Splice;
        Assert.Equal(0, metrics.TcpBytes(unused, TcpDirection.ToBackend) + metrics.TcpBytes(unused, TcpDirection.ToClient));
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

    private enum SessionKind
    {
        Complete,
        ClientAborts,
        BackendAborts,
    }

    private sealed record SessionResult(SessionKind Kind, byte[] Sent, byte[] Received);

    /// <summary>One session of <paramref name="kind"/> with a payload of its own (16 to 144 KiB, seeded by <paramref name="id"/>).</summary>
    private static async Task<SessionResult> RunSessionAsync(IPEndPoint proxy, int id, SessionKind kind)
    {
        var random = new Random(id);
        byte[] payload = new byte[(16 * 1024) + random.Next(128 * 1024)];
        random.NextBytes(payload);
        payload[0] = kind == SessionKind.BackendAborts ? EchoServer.AbortMarker : (byte)0;
        if (kind == SessionKind.BackendAborts && payload.Length <= EchoServer.AbortAfterBytes)
        {
            Array.Resize(ref payload, EchoServer.AbortAfterBytes * 2);
        }

        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(proxy);
        var received = new MemoryStream();
        var someBack = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task reading = Task.Run(async () =>
        {
            byte[] buffer = new byte[65536];
            try
            {
                int read;
                while ((read = await client.ReceiveAsync(buffer, SocketFlags.None)) > 0)
                {
                    lock (received)
                    {
                        received.Write(buffer, 0, read);
                    }

                    someBack.TrySetResult();
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Reset: by the backend, or by this client itself.
            }
            finally
            {
                someBack.TrySetResult();
            }
        });

        try
        {
            if (kind == SessionKind.ClientAborts)
            {
                // Half the payload, then a reset as soon as some echo came back: mid-transfer.
                await client.SendAsync(payload.AsMemory(0, payload.Length / 2), SocketFlags.None);
                await someBack.Task.WaitAsync(TimeSpan.FromSeconds(30));
                client.LingerState = new LingerOption(true, 0);
                client.Close();
            }
            else
            {
                await client.SendAsync(payload, SocketFlags.None);
                client.Shutdown(SocketShutdown.Send);
            }
        }
        catch (SocketException) when (kind == SessionKind.BackendAborts)
        {
            // The backend's reset reached the client while it was still sending.
        }

        await reading.WaitAsync(TimeSpan.FromSeconds(30));
        lock (received)
        {
            return new SessionResult(kind, payload, received.ToArray());
        }
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
}

using System.Net;
using System.Net.Sockets;
using System.Text;
using FastLb.Proxy.Metrics;
using FastLb.Proxy.Tcp;

namespace FastLb.Proxy.Tests.Tcp;

public sealed class TcpTunnelTests
{
    [Fact]
    public async Task SplicePump_DestinationClosedAndNumberReused_NoByteReachesTheNewConnection()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // splice is Linux only
        }

        using var listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        (Socket fromPeer, Socket from) = await PairAsync(listener);
        (Socket to, Socket toPeer) = await PairAsync(listener);
        int toFd = (int)to.SafeHandle.DangerousGetHandle();

        // The pump runs to its first await (waiting for the source to be readable) before this
        // returns; then the destination is closed under it, and new connections take the lowest
        // free descriptor numbers, so one of them very likely gets the destination's old number.
        Task<long> pump = TcpTunnel.PumpAsync(from, to, useSplice: true, new ProxyMetrics(), TcpDirection.ToBackend);
        to.Close();
        (Socket victimA, Socket victimB) = await PairAsync(listener);
        bool reused = (int)victimA.SafeHandle.DangerousGetHandle() == toFd || (int)victimB.SafeHandle.DangerousGetHandle() == toFd;

        // Source bytes arrive, then the source ends: the pump must end without moving them into
        // whichever socket now has the closed destination's number.
        await fromPeer.SendAsync(Encoding.ASCII.GetBytes("SECRET"), SocketFlags.None);
        fromPeer.Shutdown(SocketShutdown.Send);
        await pump.WaitAsync(TimeSpan.FromSeconds(10));

        // A marker sent each way after the pump ended comes first: nothing crossed before it.
        await AssertFirstBytesAsync(victimA, victimB, reused);
        await AssertFirstBytesAsync(victimB, victimA, reused);

        foreach (Socket s in new[] { fromPeer, from, toPeer, victimA, victimB })
        {
            s.Dispose();
        }
    }

    private static async Task AssertFirstBytesAsync(Socket writer, Socket reader, bool reused)
    {
        byte[] marker = Encoding.ASCII.GetBytes("MARK");
        await writer.SendAsync(marker, SocketFlags.None);
        byte[] got = new byte[marker.Length];
        for (int n = 0; n < got.Length;)
        {
            int read = await reader.ReceiveAsync(got.AsMemory(n), SocketFlags.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(read > 0, "the new connection ended early");
            n += read;
        }

        Assert.True(got.AsSpan().SequenceEqual(marker),
            $"the new connection (descriptor number reused: {reused}) received '{Encoding.ASCII.GetString(got)}' before its own bytes");
    }

    private static async Task<(Socket Client, Socket Accepted)> PairAsync(Socket listener)
    {
        var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
        Task<Socket> accept = listener.AcceptAsync();
        await client.ConnectAsync(listener.LocalEndPoint!);
        return (client, await accept.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}

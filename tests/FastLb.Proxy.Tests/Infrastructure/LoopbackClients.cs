using System.Net;
using System.Net.Sockets;

namespace FastLb.Proxy.Tests.Infrastructure;

/// <summary>HTTP clients that connect from a chosen loopback address (127.0.0.0/8), so one test can be several client addresses.</summary>
public static class LoopbackClients
{
    /// <summary>A client of <paramref name="baseUri"/> whose connections come from <paramref name="source"/>, e.g. 127.0.0.2.</summary>
    public static HttpClient From(string source, Uri baseUri)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellation) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellation);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = baseUri };
    }
}

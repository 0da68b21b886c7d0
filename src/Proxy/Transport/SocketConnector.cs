using System.Net;
using System.Net.Sockets;

namespace FastLb.Proxy.Transport;

/// <summary>Opens outbound TCP connections with a time limit: for upstream pools, tcp sessions and health probes alike.</summary>
internal static class SocketConnector
{
    /// <summary>Connects a new socket (Nagle off) to <paramref name="endPoint"/>.</summary>
    /// <exception cref="SocketException">Refused or unreachable.</exception>
    /// <exception cref="TimeoutException">Not connected within <paramref name="timeout"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public static async ValueTask<Socket> ConnectAsync(EndPoint endPoint, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(endPoint, limit.Token).ConfigureAwait(false);
            return socket;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new TimeoutException($"connect to {endPoint} took longer than {timeout.TotalMilliseconds} ms");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

using System.Net;
using System.Net.Sockets;

namespace FastLb.Proxy.Transport;

/// <summary>Accepts connections on one address and hands each socket to a handler.</summary>
internal sealed class SocketListener : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Func<Socket, Task> _handler;
    private Task? _acceptLoop;

    /// <summary>Binds <paramref name="endPoint"/> (port 0 picks a free port) and starts listening.</summary>
    public SocketListener(IPEndPoint endPoint, Func<Socket, Task> handler)
    {
        _handler = handler;
        _socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _socket.Bind(endPoint);
            _socket.Listen(4096);
        }
        catch
        {
            _socket.Dispose();
            throw;
        }

        EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
    }

    /// <summary>The address actually bound.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>Starts accepting in the background.</summary>
    public void Start() => _acceptLoop = AcceptLoopAsync();

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted or SocketError.InvalidArgument)
            {
                return;
            }
            catch (SocketException)
            {
                // A connection that died between SYN and accept (ECONNABORTED): keep accepting.
                continue;
            }

            client.NoDelay = true;
            _ = _handler(client);
        }
    }

    /// <summary>Stops accepting; connections already accepted are not touched.</summary>
    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }
    }
}

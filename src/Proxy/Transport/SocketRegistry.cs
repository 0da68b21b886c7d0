using System.Collections.Concurrent;
using System.Net.Sockets;

namespace FastLb.Proxy.Transport;

/// <summary>The sockets of open tcp sessions (both sides), so that shutdown can close the ones still open after the drain.</summary>
internal sealed class SocketRegistry
{
    private readonly ConcurrentDictionary<Socket, byte> _sockets = new();

    /// <summary>True when no socket is registered.</summary>
    public bool IsEmpty => _sockets.IsEmpty;

    /// <summary>Registers <paramref name="socket"/>.</summary>
    public void Add(Socket socket) => _sockets.TryAdd(socket, 0);

    /// <summary>Forgets <paramref name="socket"/>.</summary>
    public void Remove(Socket socket) => _sockets.TryRemove(socket, out _);

    /// <summary>Closes every registered socket.</summary>
    public void CloseAll()
    {
        foreach (Socket socket in _sockets.Keys)
        {
            socket.Close();
        }
    }
}

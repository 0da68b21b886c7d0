using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastLb.Proxy.Transport;

/// <summary>Turns connected sockets into pipes with Kestrel's socket transport (both directions of the proxy).</summary>
/// <remarks>
/// Kestrel's transport waits for data with a zero-byte receive before renting a buffer, pools
/// its pinned memory blocks and its socket event args, so an idle connection holds no buffer
/// and a busy one allocates nothing per read. Pipelines.Sockets.Unofficial is not served here.
/// </remarks>
internal sealed class SocketPipes
{
    private readonly SocketConnectionContextFactory _factory;

    /// <summary>Creates the factory; <paramref name="inlineScheduling"/> runs continuations on the I/O thread.</summary>
    public SocketPipes(bool inlineScheduling = false)
    {
        var options = new SocketConnectionFactoryOptions
        {
            WaitForDataBeforeAllocatingBuffer = true,
            UnsafePreferInlineScheduling = inlineScheduling,
        };
        _factory = new SocketConnectionContextFactory(options, NullLogger.Instance);
    }

    /// <summary>Wraps <paramref name="socket"/>, which the returned connection owns from now on.</summary>
    public ConnectionContext Create(Socket socket) => _factory.Create(socket);
}

using System.Net;
using System.Net.Sockets;

namespace FastLb.Proxy.Tests.Tcp;

/// <summary>Echoes every byte until the client half-closes, then closes; the tcp tests' backend.</summary>
/// <remarks>
/// With <c>abortOnMarker</c>, a session whose first byte is <see cref="AbortMarker"/> is reset
/// (linger 0, so an RST) once it has echoed <see cref="AbortAfterBytes"/> bytes: a backend that
/// dies mid-transfer, for tests that mix such sessions with ordinary ones.
/// </remarks>
internal sealed class EchoServer : IAsyncDisposable
{
    /// <summary>First byte of a session the server resets mid-transfer (with <c>abortOnMarker</c>).</summary>
    public const byte AbortMarker = 1;

    /// <summary>Bytes echoed before such a session is reset.</summary>
    public const int AbortAfterBytes = 16 * 1024;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Task _loop;
    private int _accepted;

    public EchoServer(bool abortOnMarker = false)
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

                Interlocked.Increment(ref _accepted);
                _ = Task.Run(() => EchoAsync(socket, abortOnMarker));
            }
        });
    }

    public string Address { get; }

    /// <summary>Connections accepted.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    private static async Task EchoAsync(Socket socket, bool abortOnMarker)
    {
        using (socket)
        {
            try
            {
                byte[] buffer = new byte[65536];
                long echoed = 0;
                bool abort = false;
                int read;
                while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None)) > 0)
                {
                    if (echoed == 0 && abortOnMarker && buffer[0] == AbortMarker)
                    {
                        abort = true;
                    }

                    await socket.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
                    echoed += read;
                    if (abort && echoed >= AbortAfterBytes)
                    {
                        // Reset, not FIN: the proxy sees the backend die mid-transfer.
                        socket.LingerState = new LingerOption(true, 0);
                        return;
                    }
                }

                socket.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // The proxy reset the session (a client that aborted): nothing to echo to.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _loop;
    }
}

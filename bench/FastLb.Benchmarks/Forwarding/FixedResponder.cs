using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FastLb.Benchmarks.Forwarding;

/// <summary>A minimal keep-alive HTTP backend: answers every request head with the same 200-byte response, allocating nothing per request.</summary>
internal sealed class FixedResponder : IDisposable
{
    private readonly Socket _listener = new(SocketType.Stream, ProtocolType.Tcp);
    private readonly byte[] _response;

    /// <summary>Starts on a free loopback port.</summary>
    public FixedResponder()
    {
        string body = new('x', 200);
        _response = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\n\r\n{body}");
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(512);
        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        _ = AcceptLoopAsync();
    }

    /// <summary>Where it listens.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>Bytes of each response.</summary>
    public int ResponseLength => _response.Length;

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            socket.NoDelay = true;
            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        byte[] buffer = new byte[16384];
        int matched = 0;
        try
        {
            while (true)
            {
                int read = await socket.ReceiveAsync(buffer, SocketFlags.None);
                if (read == 0)
                {
                    return;
                }

                // Count complete heads (CRLFCRLF) across reads; answer each one.
                int answers = 0;
                for (int i = 0; i < read; i++)
                {
                    byte b = buffer[i];
                    matched = (matched, b) switch
                    {
                        (0 or 2, (byte)'\r') => matched + 1,
                        (1 or 3, (byte)'\n') => matched + 1,
                        (_, (byte)'\r') => 1,
                        _ => 0,
                    };
                    if (matched == 4)
                    {
                        answers++;
                        matched = 0;
                    }
                }

                for (int i = 0; i < answers; i++)
                {
                    await socket.SendAsync(_response, SocketFlags.None);
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            socket.Dispose();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();
}

using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FastLb.Proxy.Tests.Infrastructure;

/// <summary>A backend on a raw socket that answers every request head with scripted bytes: for framings Kestrel never sends.</summary>
public sealed class RawBackend : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<string, byte[]> _answer;
    private readonly bool _closeAfter;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <summary>Starts a backend that answers each head with <paramref name="answer"/>(head) and closes if <paramref name="closeAfter"/>.</summary>
    public RawBackend(Func<string, byte[]> answer, bool closeAfter)
    {
        _answer = answer;
        _closeAfter = closeAfter;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Address = $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _loop = AcceptLoopAsync();
    }

    /// <summary>Its address.</summary>
    public string Address { get; }

    /// <summary>Connections accepted.</summary>
    public int Accepted;

    /// <summary>A backend answering every request with the literal <paramref name="response"/>.</summary>
    public static RawBackend Answering(string response, bool closeAfter) => new(_ => Encoding.ASCII.GetBytes(response), closeAfter);

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            Interlocked.Increment(ref Accepted);
            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using (socket)
        {
            var buffer = new byte[65536];
            var pending = new StringBuilder();
            try
            {
                while (true)
                {
                    int read = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    pending.Append(Encoding.Latin1.GetString(buffer, 0, read));
                    string text = pending.ToString();
                    int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                    if (end < 0)
                    {
                        continue;
                    }

                    pending.Clear().Append(text[(end + 4)..]);
                    await socket.SendAsync(_answer(text[..(end + 4)]), SocketFlags.None);
                    if (_closeAfter)
                    {
                        socket.Shutdown(SocketShutdown.Both);
                        return;
                    }
                }
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _loop;
    }
}

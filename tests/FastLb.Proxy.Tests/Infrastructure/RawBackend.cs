using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace FastLb.Proxy.Tests.Infrastructure;

/// <summary>
/// A backend on a raw socket that answers every request with scripted bytes: for framings Kestrel never sends. It
/// records exactly the bytes each connection received and counts the connections that ended.
/// </summary>
public sealed class RawBackend : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<string, byte[]> _answer;
    private readonly bool _closeAfter;
    private readonly bool _afterBody;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly List<StringBuilder> _received = [];
    private int _closed;

    /// <summary>
    /// Starts a backend that answers each request with <paramref name="answer"/>(head) and closes if
    /// <paramref name="closeAfter"/>: as soon as the head is in, or, if <paramref name="afterBody"/>, once the whole
    /// body (by Content-Length or chunked framing) is in.
    /// </summary>
    public RawBackend(Func<string, byte[]> answer, bool closeAfter, bool afterBody = false)
    {
        _answer = answer;
        _closeAfter = closeAfter;
        _afterBody = afterBody;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Address = $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _loop = AcceptLoopAsync();
    }

    /// <summary>Its address.</summary>
    public string Address { get; }

    /// <summary>Connections accepted.</summary>
    public int Accepted;

    /// <summary>Connections that ended: the peer closed or reset it, or this backend closed it after answering.</summary>
    public int Closed => Volatile.Read(ref _closed);

    /// <summary>A backend answering every request with the literal <paramref name="response"/>.</summary>
    public static RawBackend Answering(string response, bool closeAfter) => new(_ => Encoding.ASCII.GetBytes(response), closeAfter);

    /// <summary>A kept-alive backend answering every request with <paramref name="response"/> once its whole body is in.</summary>
    public static RawBackend AnsweringAfterBody(string response) =>
        new(_ => Encoding.ASCII.GetBytes(response), closeAfter: false, afterBody: true);

    /// <summary>The bytes (as Latin-1) connection <paramref name="index"/>, in accept order, has received so far.</summary>
    public string Received(int index)
    {
        lock (_received)
        {
            return index < _received.Count ? _received[index].ToString() : "";
        }
    }

    /// <summary>
    /// Where the request at the start of <paramref name="text"/> ends, body included; -1 while it is incomplete, or
    /// while its chunked framing is invalid (a server then waits for more, as a real one would).
    /// </summary>
    internal static int RequestEnd(string text)
    {
        int headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (headEnd < 0)
        {
            return -1;
        }

        int pos = headEnd + 4;
        string head = text[..pos];
        Match length = Regex.Match(head, @"\r\nContent-Length:[ \t]*(\d+)[ \t]*\r\n", RegexOptions.IgnoreCase);
        if (length.Success)
        {
            long end = pos + long.Parse(length.Groups[1].Value, CultureInfo.InvariantCulture);
            return end <= text.Length ? (int)end : -1;
        }

        if (!Regex.IsMatch(head, @"\r\nTransfer-Encoding:[^\r]*chunked", RegexOptions.IgnoreCase))
        {
            return pos;
        }

        while (true)
        {
            int lineEnd = text.IndexOf("\r\n", pos, StringComparison.Ordinal);
            if (lineEnd < 0 || !long.TryParse(text[pos..lineEnd].Split(';')[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out long size) || size < 0)
            {
                return -1;
            }

            pos = lineEnd + 2;
            if (size == 0)
            {
                // Trailer field lines, then the empty line.
                while (true)
                {
                    int end = text.IndexOf("\r\n", pos, StringComparison.Ordinal);
                    if (end < 0)
                    {
                        return -1;
                    }

                    bool empty = end == pos;
                    pos = end + 2;
                    if (empty)
                    {
                        return pos;
                    }
                }
            }

            if (pos + size + 2 > text.Length)
            {
                return -1;
            }

            pos += (int)size + 2;
        }
    }

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

            var received = new StringBuilder();
            lock (_received)
            {
                _received.Add(received);
            }

            Interlocked.Increment(ref Accepted);
            _ = ServeAsync(socket, received);
        }
    }

    private async Task ServeAsync(Socket socket, StringBuilder received)
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

                    string chunk = Encoding.Latin1.GetString(buffer, 0, read);
                    lock (_received)
                    {
                        received.Append(chunk);
                    }

                    pending.Append(chunk);
                    while (true)
                    {
                        string text = pending.ToString();
                        int headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                        int end = _afterBody ? RequestEnd(text) : (headEnd < 0 ? -1 : headEnd + 4);
                        if (end < 0)
                        {
                            break;
                        }

                        pending.Clear().Append(text[end..]);
                        await socket.SendAsync(_answer(text[..(headEnd + 4)]), SocketFlags.None);
                        if (_closeAfter)
                        {
                            socket.Shutdown(SocketShutdown.Both);
                            return;
                        }

                        if (!_afterBody)
                        {
                            break;
                        }
                    }
                }
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
            finally
            {
                Interlocked.Increment(ref _closed);
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

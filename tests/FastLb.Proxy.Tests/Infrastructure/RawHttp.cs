using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FastLb.Proxy.Tests.Infrastructure;

/// <summary>A client on a raw socket: sends exact bytes, reads responses by their framing.</summary>
public sealed class RawHttp : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly MemoryStream _pending = new();
    private readonly byte[] _buffer = new byte[65536];

    private RawHttp(Socket socket) => _socket = socket;

    /// <summary>Connects to <paramref name="endPoint"/>.</summary>
    public static async Task<RawHttp> ConnectAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endPoint);
        return new RawHttp(socket);
    }

    /// <summary>The socket.</summary>
    public Socket Socket => _socket;

    /// <summary>Sends <paramref name="text"/> as Latin-1 bytes.</summary>
    public Task SendAsync(string text) => SendAsync(Encoding.Latin1.GetBytes(text));

    /// <summary>Sends raw bytes.</summary>
    public async Task SendAsync(byte[] bytes) => await _socket.SendAsync(bytes, SocketFlags.None);

    /// <summary>Reads one response; <paramref name="headRequest"/> means no body follows.</summary>
    public async Task<RawResponse> ReadResponseAsync(bool headRequest = false, int timeoutMs = 10000)
    {
        using var timeout = new CancellationTokenSource(timeoutMs);
        string head = Encoding.Latin1.GetString(await ReadUntilAsync("\r\n\r\n"u8.ToArray(), timeout.Token));
        var response = RawResponse.ParseHead(head);
        if (headRequest || response.Status is (>= 100 and < 200) or 204 or 304)
        {
            return response;
        }

        if (response.Header("Transfer-Encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true)
        {
            var body = new MemoryStream();
            while (true)
            {
                string sizeLine = Encoding.Latin1.GetString(await ReadUntilAsync("\r\n"u8.ToArray(), timeout.Token));
                int size = Convert.ToInt32(sizeLine.Split(';')[0].Trim(), 16);
                if (size == 0)
                {
                    await ReadUntilAsync("\r\n"u8.ToArray(), timeout.Token);
                    break;
                }

                body.Write(await ReadExactAsync(size, timeout.Token));
                await ReadExactAsync(2, timeout.Token);
            }

            return response with { Body = body.ToArray() };
        }

        if (response.Header("Content-Length") is { } length)
        {
            return response with { Body = await ReadExactAsync(int.Parse(length), timeout.Token) };
        }

        return response with { Body = await ReadToEndAsync(timeout.Token) };
    }

    /// <summary>True when the server closed the connection (reads end of stream) within the timeout.</summary>
    public async Task<bool> IsClosedByPeerAsync(int timeoutMs = 5000)
    {
        using var timeout = new CancellationTokenSource(timeoutMs);
        try
        {
            while (true)
            {
                if (_pending.Length > 0)
                {
                    return false;
                }

                int read = await _socket.ReceiveAsync(_buffer, SocketFlags.None, timeout.Token);
                if (read == 0)
                {
                    return true;
                }

                _pending.Write(_buffer, 0, read);
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    private async Task<byte[]> ReadUntilAsync(byte[] delimiter, CancellationToken token)
    {
        while (true)
        {
            byte[] data = _pending.ToArray();
            int at = data.AsSpan().IndexOf(delimiter);
            if (at >= 0)
            {
                Consume(data, at + delimiter.Length);
                return data[..(at + delimiter.Length)];
            }

            await FillAsync(token);
        }
    }

    private async Task<byte[]> ReadExactAsync(int count, CancellationToken token)
    {
        while (_pending.Length < count)
        {
            await FillAsync(token);
        }

        byte[] data = _pending.ToArray();
        Consume(data, count);
        return data[..count];
    }

    private async Task<byte[]> ReadToEndAsync(CancellationToken token)
    {
        while (true)
        {
            int read = await _socket.ReceiveAsync(_buffer, SocketFlags.None, token);
            if (read == 0)
            {
                byte[] data = _pending.ToArray();
                _pending.SetLength(0);
                return data;
            }

            _pending.Write(_buffer, 0, read);
        }
    }

    private async Task FillAsync(CancellationToken token)
    {
        int read = await _socket.ReceiveAsync(_buffer, SocketFlags.None, token);
        if (read == 0)
        {
            throw new EndOfStreamException("the connection closed before the response ended");
        }

        _pending.Write(_buffer, 0, read);
    }

    private void Consume(byte[] data, int count)
    {
        _pending.SetLength(0);
        _pending.Write(data, count, data.Length - count);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>A response as read by <see cref="RawHttp"/>.</summary>
public sealed record RawResponse(int Status, string Head, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    /// <summary>The body bytes.</summary>
    public byte[] Body { get; init; } = [];

    /// <summary>The body as text.</summary>
    public string BodyText => Encoding.Latin1.GetString(Body);

    /// <summary>The first value of header <paramref name="name"/>, or null.</summary>
    public string? Header(string name) => Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    internal static RawResponse ParseHead(string head)
    {
        string[] lines = head.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        int status = int.Parse(lines[0].Split(' ')[1]);
        var headers = new List<KeyValuePair<string, string>>();
        foreach (string line in lines.Skip(1))
        {
            int colon = line.IndexOf(':');
            headers.Add(new(line[..colon], line[(colon + 1)..].Trim()));
        }

        return new RawResponse(status, head, headers);
    }
}

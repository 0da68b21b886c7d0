using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace FastLb.Proxy.Forwarding;

/// <summary>The short answers the proxy makes itself (4xx/5xx), each closing the connection and carrying X-Request-Id.</summary>
internal static class ErrorResponses
{
    /// <summary>Every status the proxy answers with itself.</summary>
    public static readonly int[] Statuses = [400, 404, 408, 413, 431, 501, 502, 503, 504, 505];

    private static readonly byte[][] s_heads = Build(status =>
        $"HTTP/1.1 {status} {Reason(status)}\r\nContent-Type: text/plain\r\nContent-Length: {Body(status).Length}\r\nConnection: close\r\nX-Request-Id: ");

    // The same heads with Retry-After: 1 (RFC 9110 section 10.2.3): the answer to a request the
    // policy shed, which the client may try again a second later.
    private static readonly byte[][] s_retryHeads = Build(status =>
        $"HTTP/1.1 {status} {Reason(status)}\r\nContent-Type: text/plain\r\nContent-Length: {Body(status).Length}\r\nConnection: close\r\nRetry-After: 1\r\nX-Request-Id: ");

    private static readonly byte[][] s_bodies = Build(status => "\r\n\r\n" + Body(status));

    /// <summary>Writes the answer for <paramref name="status"/> with request id <paramref name="requestId"/>,
    /// and <c>Retry-After: 1</c> when <paramref name="retryAfter"/>.</summary>
    public static void Write(PipeWriter output, int status, ReadOnlySpan<byte> requestId, bool retryAfter = false)
    {
        // Head up to the id, the id, then the end of the head and a one-line body: all bytes made once.
        output.Write(retryAfter ? s_retryHeads[status] : s_heads[status]);
        output.Write(requestId);
        output.Write(s_bodies[status]);
    }

    private static byte[][] Build(Func<int, string> text)
    {
        var table = new byte[600][];
        foreach (int status in Statuses)
        {
            table[status] = Encoding.ASCII.GetBytes(text(status));
        }

        return table;
    }

    private static string Body(int status) => Reason(status).ToLowerInvariant() + "\n";

    /// <summary>The reason phrase of a status the proxy answers with.</summary>
    public static string Reason(int status) => status switch
    {
        400 => "Bad Request",
        404 => "Not Found",
        408 => "Request Timeout",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "the proxy does not answer with this status"),
    };
}

using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace FastLb.Proxy.Forwarding;

/// <summary>The short answers the proxy makes itself (4xx/5xx), each closing the connection and carrying X-Request-Id.</summary>
internal static class ErrorResponses
{
    /// <summary>Every status the proxy answers with itself.</summary>
    public static readonly int[] Statuses = [400, 401, 403, 404, 408, 413, 429, 431, 501, 502, 503, 504, 505];

    private static readonly byte[][] s_heads = Build(status =>
        $"HTTP/1.1 {status} {Reason(status)}\r\nContent-Type: text/plain\r\nContent-Length: {Body(status).Length}\r\nConnection: close\r\nX-Request-Id: ");

    // The same heads with Retry-After: 1 (RFC 9110 section 10.2.3): the answer to a request the
    // policy shed, which the client may try again a second later.
    private static readonly byte[][] s_retryHeads = Build(status =>
        $"HTTP/1.1 {status} {Reason(status)}\r\nContent-Type: text/plain\r\nContent-Length: {Body(status).Length}\r\nConnection: close\r\nRetry-After: 1\r\nX-Request-Id: ");

    private static readonly byte[][] s_bodies = Build(status => "\r\n\r\n" + Body(status));

    // The start of a route check's refusal (401, 403, 429), whose further fields vary per answer.
    private static readonly byte[][] s_refusalHeads = Build(status =>
        $"HTTP/1.1 {status} {Reason(status)}\r\nContent-Type: text/plain\r\nContent-Length: {Body(status).Length}\r\n");

    /// <summary>Writes the answer for <paramref name="status"/> with request id <paramref name="requestId"/>,
    /// and <c>Retry-After: 1</c> when <paramref name="retryAfter"/>.</summary>
    public static void Write(PipeWriter output, int status, ReadOnlySpan<byte> requestId, bool retryAfter = false)
    {
        // Head up to the id, the id, then the end of the head and a one-line body: all bytes made once.
        output.Write(retryAfter ? s_retryHeads[status] : s_heads[status]);
        output.Write(requestId);
        output.Write(s_bodies[status]);
    }

    /// <summary>Writes a route check's refusal: <paramref name="status"/>, <c>Connection: close</c> when
    /// <paramref name="close"/>, <c>Retry-After</c> when <paramref name="retryAfterSeconds"/> is positive, then
    /// <paramref name="fields"/> (whole lines, e.g. <c>WWW-Authenticate</c>) and the request id.</summary>
    public static void WriteRefusal(PipeWriter output, int status, ReadOnlySpan<byte> requestId, bool close, int retryAfterSeconds, ReadOnlySpan<byte> fields)
    {
        output.Write(s_refusalHeads[status]);
        if (close)
        {
            output.Write("Connection: close\r\n"u8);
        }

        if (retryAfterSeconds > 0)
        {
            // RFC 9110 10.2.3: delay-seconds.
            Span<byte> digits = stackalloc byte[11];
            System.Buffers.Text.Utf8Formatter.TryFormat(retryAfterSeconds, digits, out int written);
            output.Write("Retry-After: "u8);
            output.Write(digits[..written]);
            output.Write("\r\n"u8);
        }

        output.Write(fields);
        output.Write("X-Request-Id: "u8);
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
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        413 => "Content Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "the proxy does not answer with this status"),
    };
}

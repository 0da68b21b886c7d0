using System.Buffers;
using System.Text;
using FastLb.Proxy.Http;

namespace FastLb.Fuzz;

/// <summary>
/// What the request and response head targets check: the parse is the same whatever the input's segmentation,
/// stays inside its input, agrees with every prefix, and an accepted head re-serializes into one that parses the same.
/// </summary>
internal static class HeadChecks
{
    /// <summary>Inputs up to this long are split at every offset; longer ones at the offsets up to it and at the end.</summary>
    public const int EverySplitUpTo = 600;

    /// <summary>RFC 9110 5.6.2: tchar, what a field name is made of.</summary>
    private static readonly SearchValues<byte> s_tokenChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    /// <summary>Bytes appended after the input in the read-past check: they would complete, or change, any head that ran into them.</summary>
    private static readonly byte[][] s_tails =
    [
        Encoding.ASCII.GetBytes("\r\n\r\nHost: x\r\nContent-Length: 1\r\n\r\n\r\n\r\n"),
        Encoding.ASCII.GetBytes("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\0\0\0\0\0\0\0\0"),
    ];

    /// <summary>The offsets at which <paramref name="length"/> bytes are split or cut.</summary>
    public static IEnumerable<int> Cuts(int length)
    {
        int every = Math.Min(length, EverySplitUpTo);
        for (int cut = 0; cut <= every; cut++)
        {
            yield return cut;
        }

        if (length > every)
        {
            yield return length;
        }
    }

    /// <summary>The input followed by bytes it must never see: the sequence covers only the input.</summary>
    public static IEnumerable<ReadOnlySequence<byte>> Padded(byte[] data)
    {
        foreach (byte[] tail in s_tails)
        {
            byte[] padded = new byte[data.Length + tail.Length];
            data.CopyTo(padded, 0);
            tail.CopyTo(padded, data.Length);
            yield return new ReadOnlySequence<byte>(padded, 0, data.Length);
        }
    }

    /// <summary>
    /// A prefix of the input may only need more data, or be refused for the same reason as the whole; it is complete
    /// exactly when it holds the whole head.
    /// </summary>
    public static void CheckPrefix(ParseStatus whole, RejectReason wholeReason, int headLength, int cut, ParseStatus prefix, RejectReason prefixReason)
    {
        switch (prefix)
        {
            case ParseStatus.Rejected:
                FuzzPropertyException.Check(whole == ParseStatus.Rejected && wholeReason == prefixReason,
                    $"prefix {cut} rejected ({prefixReason}) but the whole input is {whole} ({wholeReason})");
                break;
            case ParseStatus.Complete:
                FuzzPropertyException.Check(whole == ParseStatus.Complete && cut >= headLength,
                    $"prefix {cut} complete but the whole input is {whole} (head length {headLength})");
                break;
            default:
                FuzzPropertyException.Check(whole != ParseStatus.Complete || cut < headLength,
                    $"prefix {cut} needs more data but holds the whole head of {headLength} bytes");
                break;
        }
    }

    /// <summary>
    /// Checks what an accepted head must hold: it lies inside the input and is its first bytes, every offset lies inside
    /// it, names are tokens, values carry no CR, LF or NUL (so no obs-fold survives), and the framing is one.
    /// </summary>
    public static void CheckAccepted(HttpMessageHead head, ReadOnlySpan<byte> input, bool isRequest)
    {
        FuzzPropertyException.Check(head.Length > 0 && head.Length <= input.Length, $"head length {head.Length} outside input of {input.Length}");
        FuzzPropertyException.Check(head.Bytes.Length == head.Length, $"head bytes {head.Bytes.Length} != length {head.Length}");
        FuzzPropertyException.Check(head.Bytes.Span.SequenceEqual(input.Slice(0, head.Length)), "head bytes are not the input's first bytes");
        FuzzPropertyException.Check(head.Bytes.Span.EndsWith("\r\n\r\n"u8), "head does not end with CRLFCRLF");
        int contentLengthLines = 0;
        int transferEncodingLines = 0;
        for (int i = 0; i < head.HeaderCount; i++)
        {
            HeaderEntry e = head.Headers[i];
            CheckRange(e.NameStart, e.NameLength, head.Length, "name");
            CheckRange(e.ValueStart, e.ValueLength, head.Length, "value");
            ReadOnlySpan<byte> name = head.NameOf(i);
            ReadOnlySpan<byte> value = head.ValueOf(i);
            FuzzPropertyException.Check(!name.IsEmpty && name.IndexOfAnyExcept(s_tokenChars) < 0, $"field {i}: name is not a token");
            FuzzPropertyException.Check(value.IndexOfAny((byte)'\r', (byte)'\n', (byte)0) < 0, $"field {i}: value holds CR, LF or NUL");
            FuzzPropertyException.Check(value.IsEmpty || (value[0] is not ((byte)' ' or (byte)'\t') && value[^1] is not ((byte)' ' or (byte)'\t')),
                $"field {i}: value not trimmed");
            contentLengthLines += e.Known == KnownHeader.ContentLength ? 1 : 0;
            transferEncodingLines += e.Known == KnownHeader.TransferEncoding ? 1 : 0;
        }

        FuzzPropertyException.Check(contentLengthLines == 0 || transferEncodingLines == 0, "accepted both Content-Length and Transfer-Encoding");
        FuzzPropertyException.Check(!isRequest || contentLengthLines <= 1, "request accepted with more than one Content-Length line");
        switch (head.Framing)
        {
            case BodyFraming.ContentLength:
                FuzzPropertyException.Check(head.ContentLength >= 0 && contentLengthLines > 0, "Content-Length framing without a value");
                break;
            case BodyFraming.Chunked:
                FuzzPropertyException.Check(transferEncodingLines > 0, "chunked framing without Transfer-Encoding");
                break;
        }

        if (head is HttpRequestHead request)
        {
            CheckRange(request.MethodStart, request.MethodLength, head.Length, "method");
            CheckRange(request.TargetStart, request.TargetLength, head.Length, "target");
            CheckRange(request.HostStart, request.HostLength, head.Length, "host");
            CheckRange(request.PathStart, request.PathLength, head.Length, "path");
            FuzzPropertyException.Check(request.Method != Policy.RequestMethod.Other || request.MethodLength > 0, "empty method");
        }
        else if (head is HttpResponseHead response)
        {
            CheckRange(response.ReasonStart, response.ReasonLength, head.Length, "reason");
            FuzzPropertyException.Check(response.StatusCode is >= 100 and <= 599, $"status {response.StatusCode}");
        }
    }

    /// <summary>The head written back canonically: its start line, then each field as <c>name: value</c>, then the empty line.</summary>
    public static byte[] Reserialize(HttpMessageHead head)
    {
        var output = new MemoryStream();
        ReadOnlySpan<byte> bytes = head.Bytes.Span;
        if (head is HttpRequestHead request)
        {
            output.Write(request.MethodBytes);
            output.WriteByte((byte)' ');
            output.Write(request.Target);
            output.Write(head.Version == Proxy.Http.HttpVersion.Http10 ? " HTTP/1.0\r\n"u8 : " HTTP/1.1\r\n"u8);
        }
        else
        {
            // The status line as received (version, code, reason); its end is the first CRLF.
            int eol = bytes.IndexOf("\r\n"u8);
            output.Write(bytes.Slice(0, eol + 2));
        }

        for (int i = 0; i < head.HeaderCount; i++)
        {
            output.Write(head.NameOf(i));
            output.Write(": "u8);
            output.Write(head.ValueOf(i));
            output.Write("\r\n"u8);
        }

        output.Write("\r\n"u8);
        return output.ToArray();
    }

    private static void CheckRange(int start, int length, int headLength, string what) =>
        FuzzPropertyException.Check(start >= 0 && length >= 0 && start + length <= headLength, $"{what} [{start}, +{length}) outside the head of {headLength}");
}

using System.Text;

namespace FastLb.Proxy.Http;

/// <summary>Field lines (RFC 9112 5; RFC 9110 5.5) and the meaning of the fields the proxy acts on.</summary>
internal static partial class HttpHeadParser
{
    /// <summary>
    /// Parses field lines from <paramref name="pos"/> up to and including the empty line; <paramref name="end"/> is the
    /// offset just past it. <paramref name="request"/> is the same object as <paramref name="head"/> for requests, else null.
    /// </summary>
    // Hot path: guarded by HttpHeadParserBenchmarks
    private static ParseStatus ParseFields(
        ReadOnlySpan<byte> s, int pos, HttpMessageHead head, HttpRequestHead? request, ref HeadFieldState state, out int end, out RejectReason reason)
    {
        end = 0;
        HeaderEntry[] headers = head.Headers;
        int count = 0;
        while (true)
        {
            if (pos >= s.Length)
            {
                head.HeaderCount = count;
                return NeedMore(out reason);
            }

            if (s[pos] == HttpSyntax.Cr)
            {
                // RFC 9112 2.1: the head ends with an empty line, CRLF.
                head.HeaderCount = count;
                ParseStatus eol = HttpSyntax.CheckLineEnd(s, pos, RejectReason.BareCr, out reason);
                end = pos + 2;
                return eol;
            }

            ParseStatus status = HttpSyntax.ScanFieldLine(s, pos, out int nameEnd, out int valueStart, out int valueEnd, out int next, out reason);
            if (status != ParseStatus.Complete)
            {
                head.HeaderCount = count;
                return status;
            }

            if ((uint)count >= (uint)headers.Length)
            {
                head.HeaderCount = count;
                return Reject(RejectReason.TooManyHeaders, out reason);
            }

            KnownHeader known = KnownHeaders.Classify(s.Slice(pos, nameEnd - pos));
            ref HeaderEntry entry = ref headers[count];
            entry.NameStart = pos;
            entry.NameLength = nameEnd - pos;
            entry.ValueStart = valueStart;
            entry.ValueLength = valueEnd - valueStart;
            entry.Known = known;
            entry.IsConnectionListed = false;
            if (known != KnownHeader.Other)
            {
                RejectReason why = ApplyKnownField(known, s.Slice(valueStart, valueEnd - valueStart), count, head, request, ref state);
                if (why != RejectReason.None)
                {
                    head.HeaderCount = count;
                    return Reject(why, out reason);
                }
            }

            count++;
            pos = next;
        }
    }

    /// <summary>Applies one known field as soon as its line is complete, so a conflict is refused at the line that makes it.</summary>
    private static RejectReason ApplyKnownField(
        KnownHeader known, ReadOnlySpan<byte> value, int index, HttpMessageHead head, HttpRequestHead? request, ref HeadFieldState state)
    {
        switch (known)
        {
            case KnownHeader.ContentLength:
                return ApplyContentLength(value, request != null, ref state);
            case KnownHeader.TransferEncoding:
                return ApplyTransferEncoding(value, head.Version, request != null, ref state);
            case KnownHeader.Connection:
                return ApplyConnection(value, ref state);
            case KnownHeader.Upgrade:
                state.SawUpgrade = true;
                return RejectReason.None;
        }

        if (request is null)
        {
            return RejectReason.None;
        }

        switch (known)
        {
            case KnownHeader.Host:
                // RFC 9112 3.2: more than one Host line, or an invalid value, gets a 400.
                if (request.HostHeader >= 0)
                {
                    return RejectReason.DuplicateHost;
                }

                if (!HttpSyntax.IsValidAuthority(value))
                {
                    return RejectReason.InvalidHost;
                }

                request.HostHeader = index;
                break;
            case KnownHeader.Expect:
                // RFC 9110 10.1.1: the expectation is case-insensitive, and an HTTP/1.0 server must ignore it.
                if (head.Version == HttpVersion.Http11 && Ascii.EqualsIgnoreCase(value, "100-continue"u8))
                {
                    request.ExpectContinue = true;
                }

                break;
            case KnownHeader.XRequestId:
                if (request.RequestIdHeader < 0)
                {
                    request.RequestIdHeader = index;
                }

                break;
            case KnownHeader.XForwardedFor:
                request.ForwardedForHeader = index;
                break;
        }

        return RejectReason.None;
    }

    /// <summary>
    /// RFC 9110 8.6: <c>Content-Length = 1*DIGIT</c>. Differing values are refused (RFC 9112 6.3 (5)), and
    /// Content-Length with Transfer-Encoding is smuggling (6.1). In a response, a list or repeated lines of one value
    /// are accepted as that value; in a request any second value is refused too: the head is forwarded as
    /// it came, so the backend would see the repetition and might frame it differently (or refuse it) where we
    /// accepted it. RFC 9112 6.3 (5) allows either; refusing is the one that leaves nothing ambiguous downstream.
    /// </summary>
    private static RejectReason ApplyContentLength(ReadOnlySpan<byte> value, bool isRequest, ref HeadFieldState state)
    {
        if (state.SawTransferEncoding)
        {
            return RejectReason.ContentLengthAndTransferEncoding;
        }

        int start = 0;
        while (true)
        {
            int comma = value.Slice(start).IndexOf((byte)',');
            ReadOnlySpan<byte> element = HttpSyntax.TrimWhitespace(comma < 0 ? value.Slice(start) : value.Slice(start, comma));
            if (element.IsEmpty)
            {
                return RejectReason.InvalidContentLength;
            }

            long n = 0;
            foreach (byte b in element)
            {
                uint d = (uint)(b - '0');
                if (d > 9 || n > (long.MaxValue - d) / 10)
                {
                    return RejectReason.InvalidContentLength;
                }

                n = (n * 10) + d;
            }

            if (state.SawContentLength && (isRequest || n != state.ContentLength))
            {
                return RejectReason.ConflictingContentLength;
            }

            state.SawContentLength = true;
            state.ContentLength = n;
            if (comma < 0)
            {
                break;
            }

            start += comma + 1;
        }

        return RejectReason.None;
    }

    /// <summary>
    /// RFC 9112 6.1: a list of transfer codings; chunked may appear once and, in a request, only last. Forbidden in
    /// HTTP/1.0 messages and together with Content-Length.
    /// </summary>
    private static RejectReason ApplyTransferEncoding(ReadOnlySpan<byte> value, HttpVersion version, bool isRequest, ref HeadFieldState state)
    {
        if (version == HttpVersion.Http10)
        {
            // RFC 9112 6.1: an HTTP/1.0 message with Transfer-Encoding must be treated as faulty framing.
            return RejectReason.TransferEncodingInHttp10;
        }

        if (state.SawContentLength)
        {
            return RejectReason.ContentLengthAndTransferEncoding;
        }

        state.SawTransferEncoding = true;
        bool any = false;
        ReadOnlySpan<byte> rest = value;
        while (!rest.IsEmpty)
        {
            int comma = rest.IndexOf((byte)',');
            ReadOnlySpan<byte> element = comma < 0 ? rest : rest.Slice(0, comma);
            rest = comma < 0 ? default : rest.Slice(comma + 1);
            element = HttpSyntax.TrimWhitespace(element);
            if (element.IsEmpty)
            {
                // RFC 9110 5.6.1: empty list elements are allowed and ignored.
                continue;
            }

            any = true;
            int semicolon = element.IndexOf((byte)';');
            ReadOnlySpan<byte> coding = HttpSyntax.TrimWhitespace(semicolon < 0 ? element : element.Slice(0, semicolon));
            if (coding.IsEmpty || coding.IndexOfAnyExcept(HttpSyntax.TokenChars) >= 0)
            {
                return RejectReason.InvalidTransferEncoding;
            }

            // RFC 9112 7: coding names are case-insensitive; chunked takes no parameters.
            bool chunked = Ascii.EqualsIgnoreCase(coding, "chunked"u8);
            if (chunked)
            {
                if (state.ChunkedSeen || semicolon >= 0)
                {
                    return RejectReason.InvalidTransferEncoding;
                }

                state.ChunkedSeen = true;
            }
            else if (state.ChunkedSeen && isRequest)
            {
                // A coding after chunked can never be fixed by a later line (chunked may not repeat): refuse now.
                return RejectReason.TransferEncodingNotChunked;
            }

            state.LastCodingChunked = chunked;
        }

        return any ? RejectReason.None : RejectReason.InvalidTransferEncoding;
    }

    /// <summary>
    /// RFC 9110 7.6.1: Connection is a list of options; close, keep-alive and upgrade steer this hop, and every other
    /// option names a field the forwarder removes. Naming a framing or routing field is refused: stripping
    /// Content-Length or Transfer-Encoding while framing by it would desynchronise us and the next hop (smuggling),
    /// and stripping Host would make the upstream route differently from us.
    /// </summary>
    private static RejectReason ApplyConnection(ReadOnlySpan<byte> value, ref HeadFieldState state)
    {
        state.SawConnection = true;
        ReadOnlySpan<byte> rest = value;
        while (!rest.IsEmpty)
        {
            int comma = rest.IndexOf((byte)',');
            ReadOnlySpan<byte> option = HttpSyntax.TrimWhitespace(comma < 0 ? rest : rest.Slice(0, comma));
            rest = comma < 0 ? default : rest.Slice(comma + 1);
            switch (option.Length)
            {
                case 5 when Ascii.EqualsIgnoreCase(option, "close"u8):
                    state.ConnectionClose = true;
                    break;
                case 7 when Ascii.EqualsIgnoreCase(option, "upgrade"u8):
                    state.ConnectionUpgrade = true;
                    break;
                case 10 when Ascii.EqualsIgnoreCase(option, "keep-alive"u8):
                    state.ConnectionKeepAlive = true;
                    break;
                case 4 or 14 or 17:
                    KnownHeader named = KnownHeaders.Classify(option);
                    if (named is KnownHeader.Host or KnownHeader.ContentLength or KnownHeader.TransferEncoding)
                    {
                        return RejectReason.ForbiddenConnectionOption;
                    }

                    break;
            }
        }

        return RejectReason.None;
    }

    /// <summary>RFC 9110 7.6.1: every field named in a Connection option is hop-by-hop; marks those lines.</summary>
    private static void MarkConnectionListed(ReadOnlySpan<byte> s, HttpMessageHead head)
    {
        HeaderEntry[] headers = head.Headers;
        int count = head.HeaderCount;
        bool any = false;
        for (int c = 0; c < count; c++)
        {
            if (headers[c].Known != KnownHeader.Connection)
            {
                continue;
            }

            ReadOnlySpan<byte> rest = s.Slice(headers[c].ValueStart, headers[c].ValueLength);
            while (!rest.IsEmpty)
            {
                int comma = rest.IndexOf((byte)',');
                ReadOnlySpan<byte> option = HttpSyntax.TrimWhitespace(comma < 0 ? rest : rest.Slice(0, comma));
                rest = comma < 0 ? default : rest.Slice(comma + 1);
                if (option.IsEmpty)
                {
                    continue;
                }

                for (int i = 0; i < count; i++)
                {
                    ref HeaderEntry e = ref headers[i];
                    if (e.NameLength == option.Length && e.Known != KnownHeader.Connection
                        && Ascii.EqualsIgnoreCase(s.Slice(e.NameStart, e.NameLength), option))
                    {
                        e.IsConnectionListed = true;
                        any = true;
                    }
                }
            }
        }

        head.HasConnectionListed = any;
    }
}

namespace FastLb.Proxy.Http;

/// <summary>Status line and response framing (RFC 9112 4, 6.3; RFC 9110 15).</summary>
internal static partial class HttpHeadParser
{
    /// <summary>Parses a response head from a span that starts at the head's first byte.</summary>
    // Hot path: guarded by HttpHeadParserBenchmarks
    private static ParseStatus ParseResponse(ReadOnlySpan<byte> s, bool requestWasHead, HttpResponseHead head, out RejectReason reason)
    {
        ParseStatus status = ParseStatusLine(s, head, out int pos, out reason);
        if (status != ParseStatus.Complete)
        {
            return status;
        }

        var state = default(HeadFieldState);
        status = ParseFields(s, pos, head, null, ref state, out int end, out reason);
        if (status != ParseStatus.Complete)
        {
            return status;
        }

        head.Length = end;
        FinishResponse(s, requestWasHead, head, ref state);
        reason = RejectReason.None;
        return ParseStatus.Complete;
    }

    /// <summary>
    /// RFC 9112 4: <c>status-line = HTTP-version SP status-code SP [ reason-phrase ] CRLF</c>. Only HTTP/1.0 and 1.1 are
    /// accepted from upstream (anything else is a malformed line, not a 505 for the client); the status code must be
    /// 100..599 (RFC 9110 15). A missing SP before an empty reason is tolerated: it cannot change framing, and the
    /// reason phrase is to be ignored anyway (RFC 9112 4).
    /// </summary>
    // Hot path: guarded by HttpHeadParserBenchmarks
    private static ParseStatus ParseStatusLine(ReadOnlySpan<byte> s, HttpResponseHead head, out int next, out RejectReason reason)
    {
        next = 0;
        ParseStatus status = ParseVersion(s, 0, RejectReason.MalformedStatusLine, RejectReason.MalformedStatusLine, out HttpVersion version, out reason);
        if (status != ParseStatus.Complete)
        {
            return status;
        }

        head.Version = version;
        int code = 0;
        int limit = Math.Min(s.Length, 12);
        for (int i = 8; i < limit; i++)
        {
            byte b = s[i];
            if (i == 8)
            {
                if (b != HttpSyntax.Sp)
                {
                    return Reject(RejectReason.MalformedStatusLine, out reason);
                }

                continue;
            }

            uint d = (uint)(b - '0');
            if (d > 9 || (i == 9 && (d < 1 || d > 5)))
            {
                return Reject(RejectReason.MalformedStatusLine, out reason);
            }

            code = (code * 10) + (int)d;
        }

        if (s.Length <= 12)
        {
            return NeedMore(out reason);
        }

        head.StatusCode = code;
        int reasonStart = 13;
        byte after = s[12];
        if (after != HttpSyntax.Sp)
        {
            if (after != HttpSyntax.Cr && after != HttpSyntax.Lf)
            {
                return Reject(RejectReason.MalformedStatusLine, out reason);
            }

            reasonStart = 12;
        }

        // reason-phrase = 1*( HTAB / SP / VCHAR / obs-text ): the field-value byte rules.
        int reasonLength = reasonStart >= s.Length ? -1 : s.Slice(reasonStart).IndexOfAny(HttpSyntax.FieldValueStop);
        if (reasonLength < 0)
        {
            return NeedMore(out reason);
        }

        int eol = reasonStart + reasonLength;
        status = HttpSyntax.CheckLineEnd(s, eol, RejectReason.MalformedStatusLine, out reason);
        head.ReasonStart = reasonStart;
        head.ReasonLength = reasonLength;
        next = eol + 2;
        return status;
    }

    /// <summary>RFC 9112 6.3: decides the response body's framing, in the order the RFC gives, and persistence.</summary>
    // Hot path: guarded by HttpHeadParserBenchmarks
    private static void FinishResponse(ReadOnlySpan<byte> s, bool requestWasHead, HttpResponseHead head, ref HeadFieldState state)
    {
        int code = head.StatusCode;
        head.ContentLength = state.SawContentLength ? state.ContentLength : -1;
        if (requestWasHead || code < 200 || code == 204 || code == 304)
        {
            // 6.3 (1): no body after a response to HEAD, any 1xx, 204 or 304, whatever the fields say.
            head.Framing = BodyFraming.None;
        }
        else if (state.SawTransferEncoding)
        {
            // 6.3 (4): chunked last means chunked; otherwise the body runs until close.
            head.Framing = state.LastCodingChunked ? BodyFraming.Chunked : BodyFraming.CloseDelimited;
        }
        else if (state.SawContentLength)
        {
            // 6.3 (6).
            head.Framing = BodyFraming.ContentLength;
        }
        else
        {
            // 6.3 (8).
            head.Framing = BodyFraming.CloseDelimited;
        }

        // RFC 9112 9.3; a close-delimited body ends the connection, so it cannot persist (RFC 9112 9.6).
        head.KeepAlive = !state.ConnectionClose
            && (head.Version == HttpVersion.Http11 || state.ConnectionKeepAlive)
            && head.Framing != BodyFraming.CloseDelimited;

        // RFC 9110 15.2.2: 101 switches protocols; the connection becomes a tunnel after this head.
        head.IsUpgrade = code == 101;

        if (state.SawConnection)
        {
            MarkConnectionListed(s, head);
        }
    }
}

using System.Buffers.Binary;
using System.Text;
using FastLb.Policy;

namespace FastLb.Proxy.Http;

/// <summary>Request line and request semantics (RFC 9112 3, 3.2, 6.3; RFC 9110 7.2).</summary>
internal static partial class HttpHeadParser
{
    private static readonly ulong s_http11 = BinaryPrimitives.ReadUInt64LittleEndian("HTTP/1.1"u8);
    private static readonly ulong s_http10 = BinaryPrimitives.ReadUInt64LittleEndian("HTTP/1.0"u8);

    /// <summary>Parses a request head from a span that starts at the head's first byte.</summary>
    // Hot path: guarded by HttpHeadParserBenchmarks
    private static ParseStatus ParseRequest(ReadOnlySpan<byte> s, HttpRequestHead head, out RejectReason reason)
    {
        ParseStatus status = ParseRequestLine(s, head, out int pos, out reason);
        if (status != ParseStatus.Complete)
        {
            return status;
        }

        var state = default(HeadFieldState);
        status = ParseFields(s, pos, head, head, ref state, out int end, out reason);
        if (status != ParseStatus.Complete)
        {
            return status;
        }

        head.Length = end;
        return FinishRequest(s, head, ref state, out reason);
    }

    /// <summary>
    /// RFC 9112 3: <c>request-line = method SP request-target SP HTTP-version CRLF</c>, single spaces, nothing else.
    /// Every piece is checked as soon as its bytes are there.
    /// </summary>
    // Hot path: guarded by HttpHeadParserBenchmarks
    private static ParseStatus ParseRequestLine(ReadOnlySpan<byte> s, HttpRequestHead head, out int next, out RejectReason reason)
    {
        next = 0;
        int methodEnd = s.IndexOfAnyExcept(HttpSyntax.TokenChars);
        if (methodEnd < 0)
        {
            return NeedMore(out reason);
        }

        byte stop = s[methodEnd];
        if (stop != HttpSyntax.Sp || methodEnd == 0)
        {
            // RFC 9112 2.2 lets a server skip empty lines before the request line (old clients sent a stray CRLF
            // after a POST body); we refuse them like any other deviation rather than guess where the head starts.
            return Reject(
                methodEnd == 0 || stop == HttpSyntax.Cr || stop == HttpSyntax.Lf ? RejectReason.MalformedRequestLine : RejectReason.InvalidMethod,
                out reason);
        }

        ReadOnlySpan<byte> method = s.Slice(0, methodEnd);
        RequestMethod known = ClassifyMethod(method);
        if (known == RequestMethod.Other && method.SequenceEqual("CONNECT"u8))
        {
            // RFC 9110 9.3.6: CONNECT asks for a tunnel; a load balancer in front of known pools does not open them.
            return Reject(RejectReason.MethodNotSupported, out reason);
        }

        head.Method = known;
        head.MethodStart = 0;
        head.MethodLength = methodEnd;

        int targetStart = methodEnd + 1;
        int targetLength = s.Slice(targetStart).IndexOfAny(HttpSyntax.TargetStop);
        if (targetLength < 0)
        {
            return NeedMore(out reason);
        }

        stop = s[targetStart + targetLength];
        if (stop != HttpSyntax.Sp || targetLength == 0)
        {
            // Two spaces, or a line with no version (HTTP/0.9 style), is a malformed line; other bytes a bad target.
            bool lineShape = targetLength == 0 || stop == HttpSyntax.Cr || stop == HttpSyntax.Lf;
            return Reject(lineShape ? RejectReason.MalformedRequestLine : RejectReason.InvalidTarget, out reason);
        }

        head.TargetStart = targetStart;
        head.TargetLength = targetLength;
        RejectReason targetReason = ClassifyTarget(s.Slice(targetStart, targetLength), targetStart, head);
        if (targetReason != RejectReason.None)
        {
            return Reject(targetReason, out reason);
        }

        int versionStart = targetStart + targetLength + 1;
        ParseStatus status = ParseVersion(s, versionStart, RejectReason.MalformedRequestLine, RejectReason.UnsupportedVersion, out HttpVersion version, out reason);
        if (status != ParseStatus.Complete)
        {
            return status;
        }

        head.Version = version;
        int eol = versionStart + 8;
        if (eol >= s.Length)
        {
            return NeedMore(out reason);
        }

        status = HttpSyntax.CheckLineEnd(s, eol, RejectReason.MalformedRequestLine, out reason);
        next = eol + 2;
        return status;
    }

    /// <summary>
    /// RFC 9112 2.3: <c>HTTP-version = "HTTP/" DIGIT "." DIGIT</c>, case-sensitive; checks the bytes present so far.
    /// 1.0 and 1.1 pass; another well-formed version gets <paramref name="unsupported"/>.
    /// </summary>
    private static ParseStatus ParseVersion(
        ReadOnlySpan<byte> s, int start, RejectReason malformed, RejectReason unsupported, out HttpVersion version, out RejectReason reason)
    {
        version = HttpVersion.Http11;
        ReadOnlySpan<byte> v = s.Slice(start);
        if (v.Length >= 8)
        {
            // The two versions we accept, compared as one 8-byte word each; everything else takes the byte loop.
            ulong word = BinaryPrimitives.ReadUInt64LittleEndian(v);
            if (word == s_http11 || word == s_http10)
            {
                version = word == s_http11 ? HttpVersion.Http11 : HttpVersion.Http10;
                reason = RejectReason.None;
                return ParseStatus.Complete;
            }
        }

        ReadOnlySpan<byte> prefix = "HTTP/"u8;
        int avail = Math.Min(v.Length, 8);
        for (int k = 0; k < avail; k++)
        {
            byte b = v[k];
            bool ok = k switch
            {
                < 5 => b == prefix[k],
                6 => b == (byte)'.',
                _ => (uint)(b - '0') <= 9,
            };
            if (!ok)
            {
                return Reject(malformed, out reason);
            }
        }

        if (avail < 8)
        {
            return NeedMore(out reason);
        }

        if (v[5] != (byte)'1' || (v[7] != (byte)'0' && v[7] != (byte)'1'))
        {
            return Reject(unsupported, out reason);
        }

        version = v[7] == (byte)'1' ? HttpVersion.Http11 : HttpVersion.Http10;
        reason = RejectReason.None;
        return ParseStatus.Complete;
    }

    /// <summary>RFC 9110 9.1: methods are case-sensitive tokens; the common ones map to <see cref="RequestMethod"/>.</summary>
    private static RequestMethod ClassifyMethod(ReadOnlySpan<byte> m) => m.Length switch
    {
        3 => m.SequenceEqual("GET"u8) ? RequestMethod.Get : m.SequenceEqual("PUT"u8) ? RequestMethod.Put : RequestMethod.Other,
        4 => m.SequenceEqual("POST"u8) ? RequestMethod.Post : m.SequenceEqual("HEAD"u8) ? RequestMethod.Head : RequestMethod.Other,
        5 => m.SequenceEqual("PATCH"u8) ? RequestMethod.Patch : RequestMethod.Other,
        6 => m.SequenceEqual("DELETE"u8) ? RequestMethod.Delete : RequestMethod.Other,
        7 => m.SequenceEqual("OPTIONS"u8) ? RequestMethod.Options : RequestMethod.Other,
        _ => RequestMethod.Other,
    };

    /// <summary>
    /// RFC 9112 3.2: origin-form (<c>/...</c>), absolute-form (<c>http(s)://authority[/...]</c>, 3.2.2) or asterisk-form
    /// (<c>*</c>, OPTIONS only, 3.2.4); authority-form belongs to CONNECT, refused earlier. Sets form and path.
    /// </summary>
    private static RejectReason ClassifyTarget(ReadOnlySpan<byte> target, int targetStart, HttpRequestHead head)
    {
        if (target[0] == (byte)'/')
        {
            head.Form = TargetForm.Origin;
            head.PathStart = targetStart;
            head.PathLength = target.Length;
            return RejectReason.None;
        }

        if (target.Length == 1 && target[0] == (byte)'*')
        {
            head.Form = TargetForm.Asterisk;
            head.PathStart = targetStart;
            head.PathLength = 0;
            return head.Method == RequestMethod.Options ? RejectReason.None : RejectReason.InvalidTarget;
        }

        return ClassifyAbsoluteTarget(target, targetStart, head);
    }

    /// <summary>RFC 9112 3.2.2: an absolute-form target; its authority replaces Host for routing.</summary>
    private static RejectReason ClassifyAbsoluteTarget(ReadOnlySpan<byte> target, int targetStart, HttpRequestHead head)
    {
        int schemeLength;
        if (target.Length >= 7 && Ascii.EqualsIgnoreCase(target.Slice(0, 7), "http://"u8))
        {
            schemeLength = 7;
        }
        else if (target.Length >= 8 && Ascii.EqualsIgnoreCase(target.Slice(0, 8), "https://"u8))
        {
            schemeLength = 8;
        }
        else
        {
            return RejectReason.InvalidTarget;
        }

        ReadOnlySpan<byte> rest = target.Slice(schemeLength);
        int authorityLength = rest.IndexOfAny((byte)'/', (byte)'?');
        if (authorityLength < 0)
        {
            authorityLength = rest.Length;
        }

        if (!HttpSyntax.IsValidAuthority(rest.Slice(0, authorityLength)))
        {
            return RejectReason.InvalidHost;
        }

        head.Form = TargetForm.Absolute;
        head.HostStart = targetStart + schemeLength;
        head.HostLength = authorityLength;
        head.PathStart = head.HostStart + authorityLength;
        head.PathLength = rest.Length - authorityLength;
        return RejectReason.None;
    }

    /// <summary>Checks and applies what needs the whole head: Host presence, body framing, persistence, upgrade.</summary>
    // Hot path: guarded by HttpHeadParserBenchmarks
    private static ParseStatus FinishRequest(ReadOnlySpan<byte> s, HttpRequestHead head, ref HeadFieldState state, out RejectReason reason)
    {
        bool http11 = head.Version == HttpVersion.Http11;
        int hostHeader = head.HostHeader;
        if (hostHeader < 0)
        {
            // RFC 9112 3.2: a server must answer 400 to an HTTP/1.1 request without Host; HTTP/1.0 may omit it.
            if (http11)
            {
                return Reject(RejectReason.MissingHost, out reason);
            }
        }
        else if (head.Form != TargetForm.Absolute)
        {
            // RFC 9112 3.2.2: with absolute-form, the target's authority wins and Host is ignored for routing.
            ref HeaderEntry host = ref head.Headers[hostHeader];
            head.HostStart = host.ValueStart;
            head.HostLength = host.ValueLength;
        }

        if (state.SawTransferEncoding)
        {
            // RFC 9112 6.3 (4): a request whose final coding is not chunked has no determinable length: 400.
            if (!state.LastCodingChunked)
            {
                return Reject(RejectReason.TransferEncodingNotChunked, out reason);
            }

            head.Framing = BodyFraming.Chunked;
        }
        else if (state.SawContentLength)
        {
            head.Framing = BodyFraming.ContentLength;
            head.ContentLength = state.ContentLength;
        }

        // RFC 9112 6.3 (7): a request with neither has no body.
        // RFC 9112 9.3: "close" ends persistence; HTTP/1.1 persists by default, HTTP/1.0 only with keep-alive.
        head.KeepAlive = !state.ConnectionClose && (http11 || state.ConnectionKeepAlive);

        // RFC 9110 7.8: Upgrade counts only when listed in Connection, and is ignored in an HTTP/1.0 request.
        head.IsUpgrade = http11 && state.SawUpgrade && state.ConnectionUpgrade;

        if (state.SawConnection)
        {
            MarkConnectionListed(s, head);
        }

        reason = RejectReason.None;
        return ParseStatus.Complete;
    }
}

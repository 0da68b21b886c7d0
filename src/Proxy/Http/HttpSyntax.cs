using System.Buffers;
using System.Runtime.CompilerServices;

namespace FastLb.Proxy.Http;

/// <summary>Character classes and small grammar pieces shared by the head parser and the chunked scanner.</summary>
internal static class HttpSyntax
{
    /// <summary>Carriage return.</summary>
    public const byte Cr = (byte)'\r';

    /// <summary>Line feed.</summary>
    public const byte Lf = (byte)'\n';

    /// <summary>Space.</summary>
    public const byte Sp = (byte)' ';

    /// <summary>Horizontal tab.</summary>
    public const byte Htab = (byte)'\t';

    /// <summary>tchar (RFC 9110 5.6.2): the bytes a token (method, field name, coding) may hold.</summary>
    public static readonly SearchValues<byte> TokenChars = SearchValues.Create(
        "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    /// <summary>Bytes that end or invalidate a field value (RFC 9110 5.5): CTLs except HTAB, and DEL; CR/LF end the line.</summary>
    public static readonly SearchValues<byte> FieldValueStop = SearchValues.Create(BuildFieldValueStop());

    /// <summary>Bytes that end or invalidate a request-target (RFC 9112 3.2, RFC 3986 2): anything but visible ASCII, and '#' (no fragment on the wire).</summary>
    public static readonly SearchValues<byte> TargetStop = SearchValues.Create(BuildTargetStop());

    /// <summary>reg-name bytes except '%' (RFC 3986 3.2.2: unreserved / sub-delims).</summary>
    private static readonly SearchValues<byte> s_regNameChars = SearchValues.Create(
        "-._~!$&'()*+,;=0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    /// <summary>Whether the byte is SP or HTAB (OWS, RFC 9110 5.6.3).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsWhitespace(byte b) => b == Sp || b == Htab;

    /// <summary>Whether the byte is a tchar (RFC 9110 5.6.2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsTokenChar(byte b) => TokenChars.Contains(b);

    /// <summary>The value of a HEXDIG, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int HexValue(byte b)
    {
        uint d = (uint)(b - '0');
        if (d <= 9)
        {
            return (int)d;
        }

        uint l = (uint)((b | 0x20) - 'a');
        return l <= 5 ? (int)l + 10 : -1;
    }

    /// <summary>Trims OWS (SP / HTAB) from both ends (RFC 9110 5.6.3).</summary>
    public static ReadOnlySpan<byte> TrimWhitespace(ReadOnlySpan<byte> s)
    {
        int start = 0;
        int end = s.Length;
        while (start < end && IsWhitespace(s[start]))
        {
            start++;
        }

        while (end > start && IsWhitespace(s[end - 1]))
        {
            end--;
        }

        return s.Slice(start, end - start);
    }

    /// <summary>
    /// Scans one field line starting at <paramref name="pos"/> (which must not be the CR of the empty line),
    /// with the rules of RFC 9112 5 and RFC 9110 5.5; the value offsets exclude OWS.
    /// </summary>
    // Hot path: guarded by HttpHeadParserBenchmarks
    public static ParseStatus ScanFieldLine(
        ReadOnlySpan<byte> s, int pos, out int nameEnd, out int valueStart, out int valueEnd, out int next, out RejectReason reason)
    {
        nameEnd = valueStart = valueEnd = next = 0;
        byte first = s[pos];
        if (IsWhitespace(first))
        {
            // RFC 9112 5.2: obs-fold is deprecated; a server must reject it (or unfold), and unfolding would
            // change the bytes we forward, so we refuse.
            reason = RejectReason.ObsFold;
            return ParseStatus.Rejected;
        }

        int n = s.Slice(pos).IndexOfAnyExcept(TokenChars);
        if (n < 0)
        {
            reason = RejectReason.None;
            return ParseStatus.NeedMoreData;
        }

        int colon = pos + n;
        byte stop = s[colon];
        if (stop != (byte)':')
        {
            return RejectNameByte(s, colon, out reason);
        }

        if (n == 0)
        {
            // RFC 9110 5.1: field-name = token, at least one tchar.
            reason = RejectReason.MalformedHeader;
            return ParseStatus.Rejected;
        }

        int start = colon + 1;
        int m = s.Slice(start).IndexOfAny(FieldValueStop);
        if (m < 0)
        {
            reason = RejectReason.None;
            return ParseStatus.NeedMoreData;
        }

        int end = start + m;
        ParseStatus eol = CheckLineEnd(s, end, RejectReason.InvalidHeaderCharacter, out reason);
        if (eol != ParseStatus.Complete)
        {
            return eol;
        }

        next = end + 2;
        while (start < end && IsWhitespace(s[start]))
        {
            start++;
        }

        while (end > start && IsWhitespace(s[end - 1]))
        {
            end--;
        }

        nameEnd = colon;
        valueStart = start;
        valueEnd = end;
        return ParseStatus.Complete;
    }

    /// <summary>
    /// Checks that the stop byte at <paramref name="at"/> starts a CRLF: a CR needs the LF after it (RFC 9112 2.2),
    /// an LF alone is a bare LF, anything else is <paramref name="otherwise"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ParseStatus CheckLineEnd(ReadOnlySpan<byte> s, int at, RejectReason otherwise, out RejectReason reason)
    {
        byte b = s[at];
        if (b == Cr)
        {
            if (at + 1 >= s.Length)
            {
                reason = RejectReason.None;
                return ParseStatus.NeedMoreData;
            }

            if (s[at + 1] == Lf)
            {
                reason = RejectReason.None;
                return ParseStatus.Complete;
            }

            reason = RejectReason.BareCr;
            return ParseStatus.Rejected;
        }

        // RFC 9112 2.2 allows a recipient to accept a bare LF as a line terminator; we do not, because a proxy
        // that splits lines differently from the server behind it is how request smuggling starts.
        reason = b == Lf ? RejectReason.BareLf : otherwise;
        return ParseStatus.Rejected;
    }

    /// <summary>Whether <paramref name="authority"/> is <c>host [":" port]</c> without userinfo (RFC 9110 4.2.1, 7.2; RFC 3986 3.2).</summary>
    public static bool IsValidAuthority(ReadOnlySpan<byte> authority)
    {
        // RFC 9110 4.2.1: an "http" URI with an empty host is invalid and must be rejected.
        if (authority.IsEmpty)
        {
            return false;
        }

        ReadOnlySpan<byte> port;
        if (authority[0] == (byte)'[')
        {
            // IP-literal (RFC 3986 3.2.2), IPv6 only: IPvFuture is not routable by us.
            int close = authority.IndexOf((byte)']');
            if (close < 3)
            {
                return false;
            }

            ReadOnlySpan<byte> inner = authority.Slice(1, close - 1);
            bool sawColon = false;
            foreach (byte b in inner)
            {
                if (b == (byte)':')
                {
                    sawColon = true;
                }
                else if (b != (byte)'.' && HexValue(b) < 0)
                {
                    return false;
                }
            }

            if (!sawColon)
            {
                return false;
            }

            ReadOnlySpan<byte> rest = authority.Slice(close + 1);
            if (rest.IsEmpty)
            {
                return true;
            }

            if (rest[0] != (byte)':')
            {
                return false;
            }

            port = rest.Slice(1);
        }
        else
        {
            int colon = authority.IndexOf((byte)':');
            ReadOnlySpan<byte> host = colon < 0 ? authority : authority.Slice(0, colon);
            if (host.IsEmpty || !IsRegName(host))
            {
                return false;
            }

            port = colon < 0 ? default : authority.Slice(colon + 1);
        }

        // port = *DIGIT (RFC 3986 3.2.3), at most 65535.
        if (port.Length > 5)
        {
            return false;
        }

        int value = 0;
        foreach (byte b in port)
        {
            uint d = (uint)(b - '0');
            if (d > 9)
            {
                return false;
            }

            value = (value * 10) + (int)d;
        }

        return value <= 65535;
    }

    /// <summary>Whether every byte is a reg-name byte or a well-formed pct-encoding (RFC 3986 3.2.2).</summary>
    private static bool IsRegName(ReadOnlySpan<byte> host)
    {
        while (true)
        {
            int bad = host.IndexOfAnyExcept(s_regNameChars);
            if (bad < 0)
            {
                return true;
            }

            if (host[bad] != (byte)'%' || bad + 2 >= host.Length || HexValue(host[bad + 1]) < 0 || HexValue(host[bad + 2]) < 0)
            {
                return false;
            }

            host = host.Slice(bad + 3);
        }
    }

    /// <summary>Classifies the non-tchar byte that ended a field name without a colon.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ParseStatus RejectNameByte(ReadOnlySpan<byte> s, int at, out RejectReason reason)
    {
        byte b = s[at];
        if (IsWhitespace(b))
        {
            // RFC 9112 5.1: no whitespace is allowed between the field name and colon; a server must reject it.
            reason = RejectReason.WhitespaceBeforeColon;
            return ParseStatus.Rejected;
        }

        if (b == Cr || b == Lf)
        {
            // A complete line with no colon (RFC 9112 5) is malformed; a CR that is not CRLF is a bare CR.
            ParseStatus eol = CheckLineEnd(s, at, RejectReason.MalformedHeader, out reason);
            if (eol == ParseStatus.Complete)
            {
                reason = RejectReason.MalformedHeader;
                return ParseStatus.Rejected;
            }

            return eol;
        }

        // RFC 9110 5.1: field-name = token; NUL, other CTLs, separators and obs-text are all refused.
        reason = RejectReason.InvalidHeaderCharacter;
        return ParseStatus.Rejected;
    }

    private static byte[] BuildFieldValueStop()
    {
        var list = new List<byte>();
        for (int b = 0; b < 0x20; b++)
        {
            if (b != Htab)
            {
                list.Add((byte)b);
            }
        }

        list.Add(0x7F);
        return list.ToArray();
    }

    private static byte[] BuildTargetStop()
    {
        var list = new List<byte>();
        for (int b = 0; b <= 0x20; b++)
        {
            list.Add((byte)b);
        }

        for (int b = 0x7F; b <= 0xFF; b++)
        {
            list.Add((byte)b);
        }

        list.Add((byte)'#');
        return list.ToArray();
    }
}

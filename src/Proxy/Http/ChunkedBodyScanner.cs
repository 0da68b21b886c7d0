using System.Buffers;
using System.Runtime.CompilerServices;

namespace FastLb.Proxy.Http;

/// <summary>
/// Validates a chunked body (RFC 9112 7.1) while its bytes pass through unchanged, keeping state across calls:
/// the caller forwards exactly <c>forwardable</c> bytes from the start of the buffer, advances past them, and calls
/// again with what is left plus new data.
/// </summary>
/// <remarks>
/// A mutable struct so that a connection can embed it without an allocation: keep it in a field and call it there,
/// never on a copy. Size lines are bounded by <see cref="MaxChunkLineBytes"/> and the trailer section by
/// <see cref="MaxTrailerBytes"/>, so a peer cannot make us buffer without limit.
/// </remarks>
internal struct ChunkedBodyScanner
{
    /// <summary>The longest chunk-size line accepted, extensions and CRLF included (RFC 9112 7.1.1 lets us bound it).</summary>
    public const int MaxChunkLineBytes = 4096;

    /// <summary>The largest trailer section accepted, final CRLF included (RFC 9112 7.1.2).</summary>
    public const int MaxTrailerBytes = 16384;

    private ChunkedBodyScannerState _state;
    private long _chunkRemaining;
    private long _bodyBytes;
    private int _trailerBytes;

    /// <summary>Decoded chunk-data bytes seen so far; the caller enforces maxBodyBytes (413) with it.</summary>
    public readonly long BodyBytes => _bodyBytes;

    /// <summary>Whether the whole body, trailers and final CRLF included, has been scanned.</summary>
    public readonly bool IsComplete => _state == ChunkedBodyScannerState.Done;

    /// <summary>Starts over for a new body.</summary>
    public void Reset() => this = default;

    /// <summary>
    /// Scans <paramref name="buffer"/>. NeedMoreData: the first <paramref name="forwardable"/> bytes are fine, more are
    /// needed (an incomplete size, CRLF or trailer line is not forwardable; partial chunk-data is). Complete: the body
    /// ends exactly at <paramref name="forwardable"/>. Rejected: <paramref name="forwardable"/> is 0, the body is bad.
    /// </summary>
    // Hot path: guarded by HttpHeadParserBenchmarks
    public ParseStatus Scan(in ReadOnlySequence<byte> buffer, out long forwardable, out RejectReason reason)
    {
        var reader = new SequenceReader<byte>(buffer);
        ParseStatus status = ScanCore(ref reader, out reason);
        forwardable = status == ParseStatus.Rejected ? 0 : reader.Consumed;
        return status;
    }

    /// <summary>Runs the state machine until the data runs out, the body ends, or a rejection.</summary>
    // Hot path: guarded by HttpHeadParserBenchmarks
    private ParseStatus ScanCore(ref SequenceReader<byte> reader, out RejectReason reason)
    {
        while (true)
        {
            switch (_state)
            {
                case ChunkedBodyScannerState.Data:
                {
                    long take = Math.Min(_chunkRemaining, reader.Remaining);
                    reader.Advance(take);
                    _chunkRemaining -= take;
                    _bodyBytes += take;
                    if (_chunkRemaining > 0)
                    {
                        reason = RejectReason.None;
                        return ParseStatus.NeedMoreData;
                    }

                    _state = ChunkedBodyScannerState.DataEnd;
                    break;
                }

                case ChunkedBodyScannerState.DataEnd:
                {
                    // RFC 9112 7.1: chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF.
                    if (!reader.TryPeek(out byte cr))
                    {
                        reason = RejectReason.None;
                        return ParseStatus.NeedMoreData;
                    }

                    if (cr != HttpSyntax.Cr)
                    {
                        reason = RejectReason.InvalidChunkTerminator;
                        return ParseStatus.Rejected;
                    }

                    if (!reader.TryPeek(1, out byte lf))
                    {
                        reason = RejectReason.None;
                        return ParseStatus.NeedMoreData;
                    }

                    if (lf != HttpSyntax.Lf)
                    {
                        reason = RejectReason.InvalidChunkTerminator;
                        return ParseStatus.Rejected;
                    }

                    reader.Advance(2);
                    _state = ChunkedBodyScannerState.SizeLine;
                    break;
                }

                case ChunkedBodyScannerState.SizeLine:
                {
                    ParseStatus status = ScanLine(ref reader, MaxChunkLineBytes, isTrailer: false, out long size, out reason);
                    if (status != ParseStatus.Complete)
                    {
                        return status;
                    }

                    if (size == 0)
                    {
                        // RFC 9112 7.1: last-chunk, then trailer-section and the final CRLF.
                        _state = ChunkedBodyScannerState.Trailers;
                    }
                    else
                    {
                        _chunkRemaining = size;
                        _state = ChunkedBodyScannerState.Data;
                    }

                    break;
                }

                case ChunkedBodyScannerState.Trailers:
                {
                    ParseStatus status = ScanLine(ref reader, MaxTrailerBytes - _trailerBytes, isTrailer: true, out long length, out reason);
                    if (status != ParseStatus.Complete)
                    {
                        return status;
                    }

                    _trailerBytes += (int)length;
                    if (length == 2)
                    {
                        _state = ChunkedBodyScannerState.Done;
                        return ParseStatus.Complete;
                    }

                    break;
                }

                default:
                    reason = RejectReason.None;
                    return ParseStatus.Complete;
            }
        }
    }

    /// <summary>
    /// Checks one complete line at the reader (at most <paramref name="maxLength"/> bytes with its CRLF) and advances past
    /// it; an incomplete line is left unread. For a size line <paramref name="value"/> is the chunk size, for a trailer
    /// line it is the line's length (2 for the final empty line).
    /// </summary>
    // Hot path: guarded by HttpHeadParserBenchmarks
    private static ParseStatus ScanLine(ref SequenceReader<byte> reader, int maxLength, bool isTrailer, out long value, out RejectReason reason)
    {
        ReadOnlySpan<byte> span = reader.UnreadSpan;
        int window = (int)Math.Min(reader.Remaining, maxLength);
        if (span.Length > window)
        {
            span = span.Slice(0, window);
        }

        // A rejection or a complete line in the current segment stands whatever follows; only a line that runs
        // off the end of the segment needs the bytes of the next ones.
        ParseStatus status = ParseAnyLine(span, isTrailer, out value, out int lineLength, out reason);
        if (status == ParseStatus.NeedMoreData && span.Length < window)
        {
            status = ScanLineAcrossSegments(ref reader, window, isTrailer, out value, out lineLength, out reason);
        }

        if (status == ParseStatus.NeedMoreData && window >= maxLength)
        {
            // The line (or the trailer section) outgrew its bound without ending.
            reason = isTrailer ? RejectReason.TrailerTooLarge : (value < 0 ? RejectReason.InvalidChunkSize : RejectReason.ChunkExtensionTooLong);
            return ParseStatus.Rejected;
        }

        if (status == ParseStatus.Complete)
        {
            reader.Advance(lineLength);
        }

        return status;
    }

    /// <summary>Rare path: the line straddles segments; copy its window into a pooled buffer and parse that.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ParseStatus ScanLineAcrossSegments(
        ref SequenceReader<byte> reader, int window, bool isTrailer, out long value, out int lineLength, out RejectReason reason)
    {
        byte[] rented = ArrayPool<byte>.Shared.Rent(Math.Max(window, 1));
        try
        {
            Span<byte> copy = rented.AsSpan(0, window);
            reader.TryCopyTo(copy);
            return ParseAnyLine(copy, isTrailer, out value, out lineLength, out reason);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Parses a size line or a trailer line; for a trailer line <paramref name="value"/> is its length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ParseStatus ParseAnyLine(ReadOnlySpan<byte> s, bool isTrailer, out long value, out int lineLength, out RejectReason reason)
    {
        if (isTrailer)
        {
            ParseStatus status = ParseTrailerLine(s, out lineLength, out reason);
            value = lineLength;
            return status;
        }

        return ParseSizeLine(s, out value, out lineLength, out reason);
    }

    /// <summary>
    /// RFC 9112 7.1 / 7.1.1: <c>chunk-size [ chunk-ext ] CRLF</c>, <c>chunk-size = 1*HEXDIG</c>,
    /// <c>chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] )</c>. Checks the bytes present so
    /// far, so garbage is refused before the line ends. While still inside the hex digits, <paramref name="size"/> is -1
    /// on NeedMoreData.
    /// </summary>
    internal static ParseStatus ParseSizeLine(ReadOnlySpan<byte> s, out long size, out int lineLength, out RejectReason reason)
    {
        lineLength = 0;
        size = 0;
        int i = 0;
        while (i < s.Length)
        {
            int d = HttpSyntax.HexValue(s[i]);
            if (d < 0)
            {
                break;
            }

            if (size > (long.MaxValue >> 4))
            {
                reason = RejectReason.InvalidChunkSize;
                return ParseStatus.Rejected;
            }

            size = (size << 4) | (uint)d;
            i++;
        }

        if (i == s.Length)
        {
            size = -1;
            reason = RejectReason.None;
            return ParseStatus.NeedMoreData;
        }

        if (i == 0)
        {
            reason = RejectReason.InvalidChunkSize;
            return ParseStatus.Rejected;
        }

        bool inExtensions = false;
        while (true)
        {
            // BWS is only allowed before ';' (and around '='), never before the CRLF.
            int ws = i;
            while (i < s.Length && HttpSyntax.IsWhitespace(s[i]))
            {
                i++;
            }

            if (i == s.Length)
            {
                break;
            }

            byte b = s[i];
            if (b == (byte)';')
            {
                inExtensions = true;
                i = ScanChunkExtension(s, i + 1);
                if (i < 0)
                {
                    reason = RejectReason.InvalidChunkExtension;
                    return ParseStatus.Rejected;
                }

                if (i == s.Length)
                {
                    break;
                }

                continue;
            }

            if (b == HttpSyntax.Cr || b == HttpSyntax.Lf)
            {
                if (ws != i)
                {
                    reason = inExtensions ? RejectReason.InvalidChunkExtension : RejectReason.InvalidChunkSize;
                    return ParseStatus.Rejected;
                }

                ParseStatus eol = HttpSyntax.CheckLineEnd(s, i, RejectReason.InvalidChunkSize, out reason);
                lineLength = i + 2;
                return eol;
            }

            reason = inExtensions ? RejectReason.InvalidChunkExtension : RejectReason.InvalidChunkSize;
            return ParseStatus.Rejected;
        }

        reason = RejectReason.None;
        return ParseStatus.NeedMoreData;
    }

    /// <summary>
    /// Scans <c>BWS name [ BWS "=" BWS value ]</c> after a ';'; returns the index after it, <c>s.Length</c> if the bytes
    /// ran out (so far valid), or -1 if invalid.
    /// </summary>
    private static int ScanChunkExtension(ReadOnlySpan<byte> s, int i)
    {
        i = SkipWhitespace(s, i);
        int name = TokenEnd(s, i);
        if (name == s.Length)
        {
            return name;
        }

        if (name == i)
        {
            return -1;
        }

        i = SkipWhitespace(s, name);
        if (i == s.Length)
        {
            return i;
        }

        if (s[i] != (byte)'=')
        {
            // No value: rewind so the caller sees the whitespace (allowed only before another ';').
            return name;
        }

        i = SkipWhitespace(s, i + 1);
        if (i == s.Length)
        {
            return i;
        }

        if (s[i] != (byte)'"')
        {
            int end = TokenEnd(s, i);
            return end == i ? -1 : end;
        }

        // quoted-string (RFC 9110 5.6.4): qdtext or quoted-pair up to the closing DQUOTE.
        for (i++; i < s.Length; i++)
        {
            byte b = s[i];
            if (b == (byte)'"')
            {
                return i + 1;
            }

            if (b == (byte)'\\')
            {
                i++;
                if (i == s.Length)
                {
                    return i;
                }

                b = s[i];
            }

            if ((b < 0x20 && b != HttpSyntax.Htab) || b == 0x7F)
            {
                return -1;
            }
        }

        return i;
    }

    /// <summary>
    /// RFC 9112 7.1.2: a trailer field line, with the header field rules, or the final empty line. Every fault is
    /// reported as <see cref="RejectReason.InvalidTrailer"/> except bare CR and LF.
    /// </summary>
    internal static ParseStatus ParseTrailerLine(ReadOnlySpan<byte> s, out int lineLength, out RejectReason reason)
    {
        lineLength = 0;
        if (s.IsEmpty)
        {
            reason = RejectReason.None;
            return ParseStatus.NeedMoreData;
        }

        ParseStatus status;
        if (s[0] == HttpSyntax.Cr)
        {
            status = HttpSyntax.CheckLineEnd(s, 0, RejectReason.InvalidTrailer, out reason);
            lineLength = 2;
        }
        else
        {
            status = HttpSyntax.ScanFieldLine(s, 0, out _, out _, out _, out lineLength, out reason);
        }

        if (status == ParseStatus.Rejected && reason != RejectReason.BareCr && reason != RejectReason.BareLf)
        {
            reason = RejectReason.InvalidTrailer;
        }

        return status;
    }

    private static int SkipWhitespace(ReadOnlySpan<byte> s, int i)
    {
        while (i < s.Length && HttpSyntax.IsWhitespace(s[i]))
        {
            i++;
        }

        return i;
    }

    private static int TokenEnd(ReadOnlySpan<byte> s, int i)
    {
        int n = s.Slice(i).IndexOfAnyExcept(HttpSyntax.TokenChars);
        return n < 0 ? s.Length : i + n;
    }
}

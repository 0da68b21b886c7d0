using System.Buffers;
using System.Runtime.CompilerServices;

namespace FastLb.Proxy.Http;

/// <summary>
/// Parses HTTP/1.1 request and response heads in place (RFC 9112), strictly: anything ambiguous is refused, never guessed.
/// </summary>
/// <remarks>
/// Each attempt re-scans from the first byte; a rejection found in a prefix stands for any continuation, so bad bytes are
/// refused as soon as they arrive. A head in one segment is parsed from the span directly; a head split across segments is
/// copied once into the head's scratch buffer (rare: pipes fill a segment per read).
/// </remarks>
internal static partial class HttpHeadParser
{
    /// <summary>
    /// Tries to parse a request head from the start of <paramref name="buffer"/>. On <see cref="ParseStatus.Complete"/>, the head
    /// occupies <see cref="HttpMessageHead.Length"/> bytes; on <see cref="ParseStatus.NeedMoreData"/> nothing may be consumed.
    /// </summary>
    // Hot path: guarded by HttpHeadParserBenchmarks
    public static ParseStatus TryParseRequest(in ReadOnlySequence<byte> buffer, HttpRequestHead head, out RejectReason reason)
    {
        head.Reset();
        ReadOnlyMemory<byte> first = buffer.First;
        int max = head.MaxHeaderBytes;
        if (buffer.IsSingleSegment || first.Length >= max)
        {
            ReadOnlySpan<byte> span = first.Span;
            if (span.Length > max)
            {
                span = span.Slice(0, max);
            }

            ParseStatus status = ParseRequest(span, head, out reason);
            if (status == ParseStatus.Complete)
            {
                head.Bytes = first.Slice(0, head.Length);
                return status;
            }

            return status == ParseStatus.NeedMoreData && span.Length >= max ? RejectTooLarge(out reason) : status;
        }

        return TryParseRequestMultiSegment(buffer, head, out reason);
    }

    /// <summary>
    /// Tries to parse a response head; <paramref name="requestWasHead"/> says the request was HEAD, so no body follows
    /// (RFC 9112 6.3). Interim 1xx heads parse as complete with no body; the caller forwards them and parses again.
    /// </summary>
    // Hot path: guarded by HttpHeadParserBenchmarks
    public static ParseStatus TryParseResponse(
        in ReadOnlySequence<byte> buffer, bool requestWasHead, HttpResponseHead head, out RejectReason reason)
    {
        head.Reset();
        ReadOnlyMemory<byte> first = buffer.First;
        int max = head.MaxHeaderBytes;
        if (buffer.IsSingleSegment || first.Length >= max)
        {
            ReadOnlySpan<byte> span = first.Span;
            if (span.Length > max)
            {
                span = span.Slice(0, max);
            }

            ParseStatus status = ParseResponse(span, requestWasHead, head, out reason);
            if (status == ParseStatus.Complete)
            {
                head.Bytes = first.Slice(0, head.Length);
                return status;
            }

            return status == ParseStatus.NeedMoreData && span.Length >= max ? RejectTooLarge(out reason) : status;
        }

        return TryParseResponseMultiSegment(buffer, requestWasHead, head, out reason);
    }

    /// <summary>Rare path: the head may straddle segments; try the first segment, else copy into scratch and parse that.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ParseStatus TryParseRequestMultiSegment(in ReadOnlySequence<byte> buffer, HttpRequestHead head, out RejectReason reason)
    {
        // The head often ends inside the first segment with the body in the next: no copy needed then.
        ReadOnlyMemory<byte> first = buffer.First;
        ParseStatus status = ParseRequest(first.Span, head, out reason);
        if (status == ParseStatus.Complete)
        {
            head.Bytes = first.Slice(0, head.Length);
            return status;
        }

        if (status == ParseStatus.Rejected)
        {
            return status;
        }

        head.Reset();
        Memory<byte> copy = CopyToScratch(buffer, head);
        status = ParseRequest(copy.Span, head, out reason);
        if (status == ParseStatus.Complete)
        {
            head.Bytes = copy.Slice(0, head.Length);
            return status;
        }

        return status == ParseStatus.NeedMoreData && copy.Length >= head.MaxHeaderBytes ? RejectTooLarge(out reason) : status;
    }

    /// <summary>Rare path for responses, as <see cref="TryParseRequestMultiSegment"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ParseStatus TryParseResponseMultiSegment(
        in ReadOnlySequence<byte> buffer, bool requestWasHead, HttpResponseHead head, out RejectReason reason)
    {
        ReadOnlyMemory<byte> first = buffer.First;
        ParseStatus status = ParseResponse(first.Span, requestWasHead, head, out reason);
        if (status == ParseStatus.Complete)
        {
            head.Bytes = first.Slice(0, head.Length);
            return status;
        }

        if (status == ParseStatus.Rejected)
        {
            return status;
        }

        head.Reset();
        Memory<byte> copy = CopyToScratch(buffer, head);
        status = ParseResponse(copy.Span, requestWasHead, head, out reason);
        if (status == ParseStatus.Complete)
        {
            head.Bytes = copy.Slice(0, head.Length);
            return status;
        }

        return status == ParseStatus.NeedMoreData && copy.Length >= head.MaxHeaderBytes ? RejectTooLarge(out reason) : status;
    }

    /// <summary>Copies at most MaxHeaderBytes from the start of the buffer into the head's scratch buffer.</summary>
    private static Memory<byte> CopyToScratch(in ReadOnlySequence<byte> buffer, HttpMessageHead head)
    {
        byte[] scratch = head.GetScratch();
        int n = (int)Math.Min(buffer.Length, scratch.Length);
        buffer.Slice(0, n).CopyTo(scratch);
        return scratch.AsMemory(0, n);
    }

    /// <summary>RFC 6585 5: the head does not fit the limit (431).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ParseStatus RejectTooLarge(out RejectReason reason)
    {
        reason = RejectReason.HeaderTooLarge;
        return ParseStatus.Rejected;
    }

    /// <summary>Sets <paramref name="reason"/> and returns <see cref="ParseStatus.Rejected"/>, so rejections read as one line.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ParseStatus Reject(RejectReason why, out RejectReason reason)
    {
        reason = why;
        return ParseStatus.Rejected;
    }

    /// <summary>Returns <see cref="ParseStatus.NeedMoreData"/> with no reason.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ParseStatus NeedMore(out RejectReason reason)
    {
        reason = RejectReason.None;
        return ParseStatus.NeedMoreData;
    }
}

using System.Buffers;
using FastLb.Proxy.Http;

namespace FastLb.Fuzz;

/// <summary>
/// <see cref="HttpHeadParser.TryParseResponse"/> on the input as a response head, once as the answer to a HEAD request
/// and once not: the outcome is the same in one segment, split at any offset, a byte per segment, and with bytes after
/// the input; prefixes agree with the whole; an accepted head holds only unambiguous fields and re-serializes into a
/// head that parses the same.
/// </summary>
internal sealed class ResponseHeadTarget : IFuzzTarget
{
    /// <summary>Small limits, so that the too-large and too-many paths are reachable by short inputs.</summary>
    public const int MaxHeaderBytes = 512;

    /// <summary>The field-line limit of the head under test.</summary>
    public const int MaxHeaders = 8;

    private readonly HttpResponseHead _head = new(MaxHeaderBytes, MaxHeaders);
    private bool _requestWasHead;

    /// <inheritdoc />
    public void Run(ReadOnlySpan<byte> input)
    {
        byte[] data = input.ToArray();
        _requestWasHead = false;
        RunOnce(data);
        _requestWasHead = true;
        RunOnce(data);
    }

    private void RunOnce(byte[] data)
    {
        ParseStatus status = Parse(new ReadOnlySequence<byte>(data), out RejectReason reason, out string whole);
        int headLength = _head.Length;
        string semantic = string.Empty;
        if (status == ParseStatus.Complete)
        {
            HeadChecks.CheckAccepted(_head, data, isRequest: false);
            FuzzPropertyException.Check(!_requestWasHead || _head.IsInterim || _head.Framing == BodyFraming.None,
                $"the answer to HEAD has body framing {_head.Framing} (RFC 9112 6.3: it has no body)");
            semantic = HeadDescription.Describe(status, reason, _head, withLayout: false);
        }

        foreach (ReadOnlySequence<byte> padded in HeadChecks.Padded(data))
        {
            Parse(padded, out _, out string seen);
            FuzzPropertyException.Same(whole, seen, "input followed by other bytes parsed differently (read past the end?)");
        }

        foreach (int cut in HeadChecks.Cuts(data.Length))
        {
            Parse(FuzzSegment.Split(data, [cut]), out _, out string split);
            FuzzPropertyException.Same(whole, split, $"split at {cut} parsed differently");

            ParseStatus prefix = HttpHeadParser.TryParseResponse(new ReadOnlySequence<byte>(data, 0, cut), _requestWasHead, _head, out RejectReason prefixReason);
            HeadChecks.CheckPrefix(status, reason, headLength, cut, prefix, prefixReason);
        }

        if (data.Length <= 2 * MaxHeaderBytes)
        {
            Parse(FuzzSegment.ByteBySegment(data), out _, out string bytewise);
            FuzzPropertyException.Same(whole, bytewise, "a byte per segment parsed differently");
        }

        if (status == ParseStatus.Complete)
        {
            // Parse again from the head's own bytes, which the split parses above replaced.
            Parse(new ReadOnlySequence<byte>(data), out _, out _);
            byte[] canonical = HeadChecks.Reserialize(_head);
            ParseStatus again = HttpHeadParser.TryParseResponse(new ReadOnlySequence<byte>(canonical), _requestWasHead, _head, out RejectReason againReason);
            if (canonical.Length <= MaxHeaderBytes)
            {
                FuzzPropertyException.Same(semantic, HeadDescription.Describe(again, againReason, _head, withLayout: false),
                    "the re-serialized head parsed differently");
            }
        }
    }

    private ParseStatus Parse(in ReadOnlySequence<byte> buffer, out RejectReason reason, out string description)
    {
        ParseStatus status = HttpHeadParser.TryParseResponse(buffer, _requestWasHead, _head, out reason);
        FuzzPropertyException.Check(status != ParseStatus.Rejected || reason != RejectReason.None, "rejected without a reason");
        description = HeadDescription.Describe(status, reason, _head, withLayout: true);
        return status;
    }
}

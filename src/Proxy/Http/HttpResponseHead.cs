namespace FastLb.Proxy.Http;

/// <summary>A parsed response head; one per upstream connection, reused, allocation-free after construction.</summary>
internal sealed class HttpResponseHead : HttpMessageHead
{
    /// <summary>Creates a head for responses of at most <paramref name="maxHeaderBytes"/> bytes and <paramref name="maxHeaders"/> field lines.</summary>
    public HttpResponseHead(int maxHeaderBytes, int maxHeaders = 128)
        : base(maxHeaderBytes, maxHeaders)
    {
        Reset();
    }

    /// <summary>The status code, 100..599 (RFC 9110 15).</summary>
    public int StatusCode { get; internal set; }

    /// <summary>Offset of the reason phrase.</summary>
    public int ReasonStart { get; internal set; }

    /// <summary>Length of the reason phrase; may be 0.</summary>
    public int ReasonLength { get; internal set; }

    /// <summary>Whether this is an interim 1xx response; the caller forwards it and parses the next head (RFC 9110 15.2).</summary>
    public bool IsInterim => StatusCode is >= 100 and < 200;

    /// <summary>The reason phrase as received.</summary>
    public ReadOnlySpan<byte> Reason => Bytes.Span.Slice(ReasonStart, ReasonLength);

    /// <inheritdoc />
    public override void Reset()
    {
        base.Reset();
        StatusCode = 0;
        ReasonStart = ReasonLength = 0;
    }
}

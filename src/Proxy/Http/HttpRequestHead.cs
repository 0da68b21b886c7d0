using FastLb.Policy;

namespace FastLb.Proxy.Http;

/// <summary>A parsed request head; one per client connection, reused across requests, allocation-free after construction.</summary>
internal sealed class HttpRequestHead : HttpMessageHead
{
    /// <summary>Creates a head for requests of at most <paramref name="maxHeaderBytes"/> bytes and <paramref name="maxHeaders"/> field lines.</summary>
    public HttpRequestHead(int maxHeaderBytes, int maxHeaders = 128)
        : base(maxHeaderBytes, maxHeaders)
    {
        Reset();
    }

    /// <summary>The method; <see cref="RequestMethod.Other"/> for tokens outside the enum (see <see cref="MethodStart"/>).</summary>
    public RequestMethod Method { get; internal set; }

    /// <summary>Offset of the method token.</summary>
    public int MethodStart { get; internal set; }

    /// <summary>Length of the method token.</summary>
    public int MethodLength { get; internal set; }

    /// <summary>Offset of the request-target.</summary>
    public int TargetStart { get; internal set; }

    /// <summary>Length of the request-target.</summary>
    public int TargetLength { get; internal set; }

    /// <summary>The request-target's form.</summary>
    public TargetForm Form { get; internal set; }

    /// <summary>Whether the client sent <c>Expect: 100-continue</c> (RFC 9110 10.1.1).</summary>
    public bool ExpectContinue { get; internal set; }

    /// <summary>Offset of the authority to route on: an absolute-form target's (RFC 9112 3.2.2), else the Host value's.</summary>
    public int HostStart { get; internal set; }

    /// <summary>Length of that authority; 0 only for an HTTP/1.0 request without Host.</summary>
    public int HostLength { get; internal set; }

    /// <summary>Offset of path and query for route matching (for absolute-form, what follows the authority).</summary>
    public int PathStart { get; internal set; }

    /// <summary>
    /// Length of path and query; 0 means "/" (absolute-form with nothing after the authority) or asterisk-form. For an
    /// absolute-form target with a query but no path (<c>http://a?q</c>) the path starts with '?' and means "/?q".
    /// </summary>
    public int PathLength { get; internal set; }

    /// <summary>Index in <see cref="HttpMessageHead.Headers"/> of the first X-Request-Id, or -1.</summary>
    public int RequestIdHeader { get; internal set; }

    /// <summary>Index of the last X-Forwarded-For line (the one to append the client to, RFC 9110 5.3), or -1.</summary>
    public int ForwardedForHeader { get; internal set; }

    /// <summary>Index of the Host field line, or -1.</summary>
    public int HostHeader { get; internal set; }

    /// <summary>The method token as received.</summary>
    public ReadOnlySpan<byte> MethodBytes => Bytes.Span.Slice(MethodStart, MethodLength);

    /// <summary>The request-target as received.</summary>
    public ReadOnlySpan<byte> Target => Bytes.Span.Slice(TargetStart, TargetLength);

    /// <summary>The authority to route on (see <see cref="HostStart"/>).</summary>
    public ReadOnlySpan<byte> Host => Bytes.Span.Slice(HostStart, HostLength);

    /// <summary>Path and query (see <see cref="PathLength"/>: empty means "/").</summary>
    public ReadOnlySpan<byte> Path => Bytes.Span.Slice(PathStart, PathLength);

    /// <inheritdoc />
    public override void Reset()
    {
        base.Reset();
        Method = RequestMethod.Other;
        MethodStart = MethodLength = TargetStart = TargetLength = 0;
        Form = TargetForm.Origin;
        ExpectContinue = false;
        HostStart = HostLength = PathStart = PathLength = 0;
        RequestIdHeader = ForwardedForHeader = HostHeader = -1;
    }
}

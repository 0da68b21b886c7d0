namespace FastLb.Proxy.Http;

/// <summary>What request and response heads share: the head's bytes, its field lines and its body framing.</summary>
internal abstract class HttpMessageHead
{
    private readonly HeaderEntry[] _headers;
    private byte[]? _scratch;

    /// <summary>Creates a head that accepts at most <paramref name="maxHeaderBytes"/> bytes and <paramref name="maxHeaders"/> field lines.</summary>
    protected HttpMessageHead(int maxHeaderBytes, int maxHeaders)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxHeaderBytes, 16);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxHeaders, 1);
        MaxHeaderBytes = maxHeaderBytes;
        MaxHeaders = maxHeaders;
        _headers = new HeaderEntry[maxHeaders];
    }

    /// <summary>The largest head accepted, final CRLFCRLF included; a buffer this long without a complete head is rejected (431).</summary>
    public int MaxHeaderBytes { get; }

    /// <summary>The most field lines accepted (431 beyond).</summary>
    public int MaxHeaders { get; }

    /// <summary>
    /// The whole head including the final CRLFCRLF: a slice of the parsed input when the head lay in its first segment
    /// (valid until the caller advances past it), else a copy in a scratch buffer this head owns (valid until the next parse).
    /// </summary>
    public ReadOnlyMemory<byte> Bytes { get; internal set; }

    /// <summary>Bytes the head occupies at the start of the input; the body (if any) starts there.</summary>
    public int Length { get; internal set; }

    /// <summary>The message's HTTP version.</summary>
    public HttpVersion Version { get; internal set; }

    /// <summary>How many entries of <see cref="Headers"/> are in use.</summary>
    public int HeaderCount { get; internal set; }

    /// <summary>The field lines in order; only the first <see cref="HeaderCount"/> are valid.</summary>
    public HeaderEntry[] Headers => _headers;

    /// <summary>How the body that follows the head is delimited (RFC 9112 6.3).</summary>
    public BodyFraming Framing { get; internal set; }

    /// <summary>The Content-Length value, or -1 if the head has none.</summary>
    public long ContentLength { get; internal set; } = -1;

    /// <summary>Whether the connection may carry another message after this one (RFC 9112 9.3).</summary>
    public bool KeepAlive { get; internal set; }

    /// <summary>Whether the connection switches protocol after this message (RFC 9110 7.8).</summary>
    public bool IsUpgrade { get; internal set; }

    /// <summary>Whether any field line is listed in a Connection header (see <see cref="HeaderEntry.IsConnectionListed"/>).</summary>
    public bool HasConnectionListed { get; internal set; }

    /// <summary>The name of field line <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> NameOf(int index)
    {
        ref readonly HeaderEntry e = ref EntryAt(index);
        return Bytes.Span.Slice(e.NameStart, e.NameLength);
    }

    /// <summary>The value of field line <paramref name="index"/>, OWS trimmed.</summary>
    public ReadOnlySpan<byte> ValueOf(int index)
    {
        ref readonly HeaderEntry e = ref EntryAt(index);
        return Bytes.Span.Slice(e.ValueStart, e.ValueLength);
    }

    /// <summary>The index of the first field line of kind <paramref name="known"/>, or -1.</summary>
    public int IndexOf(KnownHeader known)
    {
        for (int i = 0; i < HeaderCount; i++)
        {
            if (_headers[i].Known == known)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Forgets the previous message; the parser calls it before every attempt.</summary>
    public virtual void Reset()
    {
        Bytes = default;
        Length = 0;
        Version = HttpVersion.Http11;
        HeaderCount = 0;
        Framing = BodyFraming.None;
        ContentLength = -1;
        KeepAlive = false;
        IsUpgrade = false;
        HasConnectionListed = false;
    }

    /// <summary>The buffer a head split across segments is copied into; allocated on first use, then reused.</summary>
    internal byte[] GetScratch() => _scratch ??= new byte[MaxHeaderBytes];

    private ref readonly HeaderEntry EntryAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)HeaderCount, nameof(index));
        return ref _headers[index];
    }
}

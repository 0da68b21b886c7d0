namespace FastLb.Proxy.Http;

/// <summary>One field line of a parsed head, as offsets relative to the head's first byte.</summary>
internal struct HeaderEntry
{
    /// <summary>Offset of the field name.</summary>
    public int NameStart;

    /// <summary>Length of the field name (never 0).</summary>
    public int NameLength;

    /// <summary>Offset of the field value, leading OWS skipped (RFC 9112 5).</summary>
    public int ValueStart;

    /// <summary>Length of the field value, trailing OWS trimmed; may be 0.</summary>
    public int ValueLength;

    /// <summary>Which field this is, if the proxy acts on it.</summary>
    public KnownHeader Known;

    /// <summary>The field's name is a token of a <c>Connection</c> header, so it is hop-by-hop (RFC 9110 7.6.1).</summary>
    public bool IsConnectionListed;
}

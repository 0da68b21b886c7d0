namespace FastLb.Proxy.Http;

/// <summary>Where <see cref="ChunkedBodyScanner"/> stands in the chunked grammar (RFC 9112 7.1).</summary>
internal enum ChunkedBodyScannerState : byte
{
    /// <summary>Expecting a chunk-size line.</summary>
    SizeLine,

    /// <summary>Inside chunk-data.</summary>
    Data,

    /// <summary>Expecting the CRLF after chunk-data.</summary>
    DataEnd,

    /// <summary>After the last-chunk: trailer field lines, then the final CRLF.</summary>
    Trailers,

    /// <summary>The body is complete.</summary>
    Done,
}

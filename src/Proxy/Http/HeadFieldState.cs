namespace FastLb.Proxy.Http;

/// <summary>What the parser learns from field lines while scanning one head; lives on the stack for one parse.</summary>
internal struct HeadFieldState
{
    /// <summary>A Content-Length line was seen.</summary>
    public bool SawContentLength;

    /// <summary>The (agreed) Content-Length value.</summary>
    public long ContentLength;

    /// <summary>A Transfer-Encoding line was seen.</summary>
    public bool SawTransferEncoding;

    /// <summary>chunked appeared among the transfer codings.</summary>
    public bool ChunkedSeen;

    /// <summary>The last transfer coding so far is chunked.</summary>
    public bool LastCodingChunked;

    /// <summary>A Connection line was seen.</summary>
    public bool SawConnection;

    /// <summary>Connection lists <c>close</c>.</summary>
    public bool ConnectionClose;

    /// <summary>Connection lists <c>keep-alive</c>.</summary>
    public bool ConnectionKeepAlive;

    /// <summary>Connection lists <c>upgrade</c>.</summary>
    public bool ConnectionUpgrade;

    /// <summary>An Upgrade line was seen.</summary>
    public bool SawUpgrade;
}

using FastLb.Proxy.Http;

namespace FastLb.Proxy.Metrics;

/// <summary>Process-wide counters that are not per backend: rejections, error answers, connections, the request log.</summary>
internal sealed class ProxyMetrics
{
    private readonly long[] _rejections = new long[Enum.GetValues<RejectReason>().Length];
    private readonly long[] _errorResponses = new long[600];
    private long _clientConnectionsAccepted;
    private long _clientConnectionsActive;
    private long _clientConnectionsRefused;
    private long _acceptFailures;
    private long _logRecordsWritten;
    private long _logRecordsDropped;
    private long _logRecordsLost;

    // Tcp bytes relayed, [mode * 2 + direction]: so /metrics can show whether splice really ran.
    private readonly long[] _tcpBytes = new long[4];

    /// <summary>Counts a request head, chunk or body refused for <paramref name="reason"/>.</summary>
    public void CountRejection(RejectReason reason) => Interlocked.Increment(ref _rejections[(int)reason]);

    /// <summary>Counts an answer the proxy itself made (4xx/5xx) with <paramref name="status"/>.</summary>
    public void CountErrorResponse(int status) => Interlocked.Increment(ref _errorResponses[status]);

    /// <summary>Counts an accepted client connection, which is now active.</summary>
    public void ConnectionOpened()
    {
        Interlocked.Increment(ref _clientConnectionsAccepted);
        Interlocked.Increment(ref _clientConnectionsActive);
    }

    /// <summary>Counts a client connection that ended.</summary>
    public void ConnectionClosed() => Interlocked.Decrement(ref _clientConnectionsActive);

    /// <summary>Counts a client connection accepted and closed at once because <c>limits.maxConnections</c> were open.</summary>
    public void CountConnectionRefused() => Interlocked.Increment(ref _clientConnectionsRefused);

    /// <summary>Counts a failed accept (descriptor exhaustion or another error the accept loop backs off from).</summary>
    public void CountAcceptFailure() => Interlocked.Increment(ref _acceptFailures);

    /// <summary>Client connections refused over <c>limits.maxConnections</c>.</summary>
    public long ClientConnectionsRefused => Volatile.Read(ref _clientConnectionsRefused);

    /// <summary>Failed accepts the accept loops backed off from.</summary>
    public long AcceptFailures => Volatile.Read(ref _acceptFailures);

    /// <summary>Counts request log records written.</summary>
    public void CountLogWritten(long records) => Interlocked.Add(ref _logRecordsWritten, records);

    /// <summary>Counts a request log record dropped because the queue was full.</summary>
    public void CountLogDropped() => Interlocked.Increment(ref _logRecordsDropped);

    /// <summary>Counts records a sink failed to write.</summary>
    public void CountLogSinkFailure(long records) => Interlocked.Add(ref _logRecordsLost, records);

    /// <summary>Counts the bytes one tcp pump (one direction of a session) moved, once when it ends, whatever ended it.</summary>
    public void CountTcpBytes(TcpRelayMode mode, TcpDirection direction, long bytes)
    {
        if (bytes > 0)
        {
            Interlocked.Add(ref _tcpBytes[((int)mode * 2) + (int)direction], bytes);
        }
    }

    /// <summary>Tcp bytes moved by pumps that ended, by <paramref name="mode"/> and <paramref name="direction"/>.</summary>
    public long TcpBytes(TcpRelayMode mode, TcpDirection direction) => Volatile.Read(ref _tcpBytes[((int)mode * 2) + (int)direction]);

    /// <summary>Request log records a sink failed to write.</summary>
    public long LogRecordsLost => Volatile.Read(ref _logRecordsLost);

    /// <summary>Rejections for <paramref name="reason"/>.</summary>
    public long Rejections(RejectReason reason) => Volatile.Read(ref _rejections[(int)reason]);

    /// <summary>Answers the proxy made with <paramref name="status"/>.</summary>
    public long ErrorResponses(int status) => Volatile.Read(ref _errorResponses[status]);

    /// <summary>Client connections accepted since start.</summary>
    public long ClientConnectionsAccepted => Volatile.Read(ref _clientConnectionsAccepted);

    /// <summary>Client connections open now.</summary>
    public long ClientConnectionsActive => Volatile.Read(ref _clientConnectionsActive);

    /// <summary>Request log records written.</summary>
    public long LogRecordsWritten => Volatile.Read(ref _logRecordsWritten);

    /// <summary>Request log records dropped.</summary>
    public long LogRecordsDropped => Volatile.Read(ref _logRecordsDropped);
}

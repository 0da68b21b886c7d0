using FastLb.Proxy.Logging;
using FastLb.Proxy.Metrics;
using FastLb.Proxy.Runtime;
using FastLb.Proxy.Transport;

namespace FastLb.Proxy.Forwarding;

/// <summary>What the connections of one listener use, built once when the listener starts: the routing source, clock, counters, timeout heartbeat, request ids, request log and session registry.</summary>
/// <remarks>
/// A connection sees the proxy only through this: it reads the routing snapshot once per request (an
/// http request when its first byte arrives, a tcp session when accepted) and keeps what it read to
/// the end, so one request never mixes two config generations.
/// </remarks>
internal sealed class ConnectionContext(
    int listener, RoutingSource routing, TimeProvider time, ProxyMetrics metrics, ConnectionTimeouts timeouts,
    RequestIds requestIds, RequestLogWriter? log, int inputBufferBytes, int maxHeaderBytes, SocketRegistry tcpSockets)
{
    /// <summary>The listener's position among those bound at start: a reload may change where its traffic goes, never the listener, so the position names it in every generation.</summary>
    public int Listener { get; } = listener;

    /// <summary>The routing snapshot in use now (one volatile read): read once per request.</summary>
    public RoutingSnapshot Routing => routing.Current;

    /// <summary>The clock.</summary>
    public TimeProvider Time { get; } = time;

    /// <summary>Process-wide counters.</summary>
    public ProxyMetrics Metrics { get; } = metrics;

    /// <summary>The heartbeat that expires connection deadlines; also the registry of http connections, for the drain.</summary>
    public ConnectionTimeouts Timeouts { get; } = timeouts;

    /// <summary>Assigns request ids.</summary>
    public RequestIds RequestIds { get; } = requestIds;

    /// <summary>The request log, when configured.</summary>
    public RequestLogWriter? Log { get; } = log;

    /// <summary>Received bytes a connection buffers before it stops reading.</summary>
    public int InputBufferBytes { get; } = inputBufferBytes;

    /// <summary>The largest request or response head (fixed at start: a reload cannot change it).</summary>
    public int MaxHeaderBytes { get; } = maxHeaderBytes;

    /// <summary>The sockets of open tcp sessions, closed at shutdown if the drain did not end them.</summary>
    public SocketRegistry TcpSockets { get; } = tcpSockets;
}

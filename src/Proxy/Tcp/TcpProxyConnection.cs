using System.Net.Sockets;
using FastLb.Policy;
using FastLb.Proxy.Forwarding;
using FastLb.Proxy.Runtime;
using FastLb.Proxy.Transport;

namespace FastLb.Proxy.Tcp;

/// <summary>One client connection of a tcp listener: pick a backend, connect, relay bytes unparsed until both sides close.</summary>
internal sealed class TcpProxyConnection
{
    private readonly ConnectionContext _context;
    private readonly Socket _client;

    /// <summary>Wraps a client socket accepted by the listener of <paramref name="context"/>.</summary>
    public TcpProxyConnection(ConnectionContext context, Socket client)
    {
        _context = context;
        _client = client;
    }

    /// <summary>Serves the connection to its end.</summary>
    public async Task RunAsync()
    {
        _context.Metrics.ConnectionOpened();
        _context.TcpSockets.Add(_client);
        try
        {
            // The session routes by the snapshot in use when it was accepted, to its end.
            RoutingSnapshot routing = _context.Routing;
            ListenerRoutes routes = routing.Listeners[_context.Listener];
            PoolRuntime pool = routes.Pool!;
            bool splice = routes.Config.Splice;
            TimeSpan connectTimeout = TimeSpan.FromMilliseconds(routing.Config.Limits.UpstreamConnectTimeoutMs);
            var features = RequestFeatures.Empty;
            features.Timestamp = _context.Time.GetTimestamp();
            features.HashKey = AffinityKey.Of(_client.RemoteEndPoint);
            BackendLease lease = default;
            for (int attempt = 0; ; attempt++)
            {
                int index = pool.Balancer.Acquire(ref features, ref lease);
                if (index == Balancer.Saturated)
                {
                    // Every backend at its cap: a tcp connection is not queued, it is closed.
                    pool.Queue.CountFull();
                    return;
                }

                if (index < 0)
                {
                    // No backend, or the policy shed the connection: a tcp client has no status to
                    // read, so either way the connection closes; a shed is counted on the pool.
                    if (index == IRoutingPolicy.Shed)
                    {
                        pool.Metrics.CountShed();
                    }

                    return;
                }

                BackendRuntime backend = pool.Backends[index];
                long started = _context.Time.GetTimestamp();
                Socket upstream;
                try
                {
                    upstream = await SocketConnector.ConnectAsync(backend.Config.EndPoint, connectTimeout, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e) when (e is SocketException or TimeoutException)
                {
                    // Counted as an http attempt that failed to connect is: a connect failure, an
                    // attempt in the error class, the outcome to the policy, and the retry.
                    backend.OnConnectFailed();
                    double failedMs = _context.Time.GetElapsedTime(started).TotalMilliseconds;
                    lease.Complete(new RequestOutcome(failedMs, failedMs, 0, e is TimeoutException ? OutcomeError.Timeout : OutcomeError.Connect));
                    pool.Queue.Release();
                    backend.Metrics.CountRequest(0);
                    if (!pool.TryRetry(RetryableFailure.ConnectFailed, attempt, index, ref features, RetrySettings.Default))
                    {
                        return;
                    }

                    continue;
                }

                backend.Metrics.CountOpened();

                // For a tcp pool the connect is the whole verdict the breaker gets (a session's
                // length says nothing of the backend's health): it closes a half-open circuit.
                backend.Breaker.OnOutcome(failed: false);
                try
                {
                    using (upstream)
                    {
                        _context.TcpSockets.Add(upstream);
                        try
                        {
                            await TcpTunnel.RelayAsync(_client, upstream, splice, _context.Metrics).ConfigureAwait(false);
                        }
                        finally
                        {
                            _context.TcpSockets.Remove(upstream);
                        }
                    }
                }
                finally
                {
                    // A tcp session has no status: it is counted as an upstream connection, not a
                    // request; the policy hears how long it lasted, whatever ended it.
                    double ms = _context.Time.GetElapsedTime(started).TotalMilliseconds;
                    lease.Complete(new RequestOutcome(ms, ms, 0, OutcomeError.None));
                    pool.Queue.Release();
                    pool.Latency.Observe(ms);
                }

                return;
            }
        }
        finally
        {
            _context.TcpSockets.Remove(_client);
            _client.Dispose();
            _context.Metrics.ConnectionClosed();
        }
    }
}

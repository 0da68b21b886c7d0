using System.Net.Sockets;
using FastLb.Policy;
using FastLb.Proxy.Forwarding;
using FastLb.Proxy.Routing;
using FastLb.Proxy.Transport;

namespace FastLb.Proxy.Tcp;

/// <summary>One client connection of a tcp listener: pick a backend, connect, relay bytes unparsed until both sides close.</summary>
internal sealed class TcpProxyConnection
{
    private readonly ProxyServer _server;
    private readonly int _listener;
    private readonly Socket _client;

    /// <summary>Wraps a client socket accepted by the listener at position <paramref name="listener"/>.</summary>
    public TcpProxyConnection(ProxyServer server, int listener, Socket client)
    {
        _server = server;
        _listener = listener;
        _client = client;
    }

    /// <summary>Serves the connection to its end.</summary>
    public async Task RunAsync()
    {
        _server.Metrics.ConnectionOpened();
        _server.TrackTcp(_client, add: true);
        try
        {
            // The session routes by the config in use when it was accepted, to its end.
            ListenerRoutes routes = _server.Routing.Listeners[_listener];
            PoolRuntime pool = routes.Pool!;
            bool splice = routes.Config.Splice;
            var features = RequestFeatures.Empty;
            features.Timestamp = _server.Time.GetTimestamp();
            features.HashKey = AffinityKey.Of(_client.RemoteEndPoint);
            for (int attempt = 0; attempt < 2; attempt++)
            {
                int index = pool.Balancer.PickIndex(ref features);
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
                long started = _server.Time.GetTimestamp();
                Socket upstream;
                try
                {
                    upstream = await SocketConnector.ConnectAsync(
                        backend.Config.EndPoint, TimeSpan.FromMilliseconds(_server.Limits.UpstreamConnectTimeoutMs), CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e) when (e is SocketException or TimeoutException)
                {
                    _server.OnConnectFailed(backend);
                    pool.Balancer.Complete(backend.State, features, new RequestOutcome(0, 0, 0, e is TimeoutException ? OutcomeError.Timeout : OutcomeError.Connect));
                    backend.Metrics.CountRequest(0);
                    features.ExcludeIndex = index;
                    continue;
                }

                backend.Metrics.CountOpened();
                using (upstream)
                {
                    _server.TrackTcp(upstream, add: true);
                    try
                    {
                        await TcpTunnel.RelayAsync(_client, upstream, splice).ConfigureAwait(false);
                    }
                    finally
                    {
                        _server.TrackTcp(upstream, add: false);
                    }
                }

                double ms = _server.Time.GetElapsedTime(started).TotalMilliseconds;
                // A tcp session has no status: it is counted as an upstream connection, not a request.
                pool.Balancer.Complete(backend.State, features, new RequestOutcome(ms, ms, 0, OutcomeError.None));
                pool.Latency.Observe(ms);
                return;
            }
        }
        finally
        {
            _server.TrackTcp(_client, add: false);
            _client.Dispose();
            _server.Metrics.ConnectionClosed();
        }
    }
}

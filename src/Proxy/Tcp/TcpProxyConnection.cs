using System.Net.Sockets;
using FastLb.Policy;
using FastLb.Proxy.Forwarding;
using FastLb.Proxy.Transport;

namespace FastLb.Proxy.Tcp;

/// <summary>One client connection of a tcp listener: pick a backend, connect, relay bytes unparsed until both sides close.</summary>
internal sealed class TcpProxyConnection
{
    private readonly ProxyServer _server;
    private readonly PoolRuntime _pool;
    private readonly Socket _client;
    private readonly bool _splice;

    /// <summary>Wraps an accepted client socket.</summary>
    public TcpProxyConnection(ProxyServer server, PoolRuntime pool, Socket client, bool splice)
    {
        _server = server;
        _pool = pool;
        _client = client;
        _splice = splice;
    }

    /// <summary>Serves the connection to its end.</summary>
    public async Task RunAsync()
    {
        _server.Metrics.ConnectionOpened();
        _server.TrackTcp(_client, add: true);
        try
        {
            var features = RequestFeatures.Empty;
            features.Timestamp = _server.Time.GetTimestamp();
            features.HashKey = AffinityKey.Of(_client.RemoteEndPoint);
            for (int attempt = 0; attempt < 2; attempt++)
            {
                int index = _pool.Balancer.PickIndex(ref features);
                if (index < 0)
                {
                    return;
                }

                BackendRuntime backend = _pool.Backends[index];
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
                    _pool.Balancer.Complete(backend.State, features, new RequestOutcome(0, 0, 0, e is TimeoutException ? OutcomeError.Timeout : OutcomeError.Connect));
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
                        await TcpTunnel.RelayAsync(_client, upstream, _splice).ConfigureAwait(false);
                    }
                    finally
                    {
                        _server.TrackTcp(upstream, add: false);
                    }
                }

                double ms = _server.Time.GetElapsedTime(started).TotalMilliseconds;
                // A tcp session has no status: it is counted as an upstream connection, not a request.
                _pool.Balancer.Complete(backend.State, features, new RequestOutcome(ms, ms, 0, OutcomeError.None));
                _pool.Latency.Observe(ms);
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

using System.Net;
using System.Net.Sockets;

namespace FastLb.Proxy.Transport;

/// <summary>Keep-alive connections to one backend: idle ones to reuse, and new ones with a connect timeout.</summary>
/// <remarks>
/// The idle set is a fixed array of slots taken and filled with interlocked exchanges: lock-free
/// and allocation-free, and with a few dozen slots a scan costs less than a queue node would.
/// </remarks>
internal sealed class UpstreamPool
{
    private readonly UpstreamConnection?[] _idle;
    private readonly EndPoint _endPoint;
    private readonly int _inputBufferBytes;
    private readonly TimeProvider _time;
    private readonly TimeSpan _connectTimeout;
    private readonly TimeSpan _idleTimeout;

    /// <summary>Creates the pool of <paramref name="endPoint"/>.</summary>
    public UpstreamPool(EndPoint endPoint, int inputBufferBytes, TimeProvider time, int maxIdle, TimeSpan connectTimeout, TimeSpan idleTimeout)
    {
        _endPoint = endPoint;
        _inputBufferBytes = inputBufferBytes;
        _time = time;
        _idle = new UpstreamConnection?[maxIdle];
        _connectTimeout = connectTimeout;
        _idleTimeout = idleTimeout;
    }

    /// <summary>Idle connections now.</summary>
    public int IdleCount
    {
        get
        {
            int count = 0;
            for (int i = 0; i < _idle.Length; i++)
            {
                if (Volatile.Read(ref _idle[i]) is not null)
                {
                    count++;
                }
            }

            return count;
        }
    }

    /// <summary>Takes an idle connection that still looks alive, or returns null.</summary>
    /// <remarks>Hot path: guarded by ProxyRelayBenchmarks.</remarks>
    public UpstreamConnection? TryRent()
    {
        for (int i = 0; i < _idle.Length; i++)
        {
            if (Volatile.Read(ref _idle[i]) is null)
            {
                continue;
            }

            UpstreamConnection? connection = Interlocked.Exchange(ref _idle[i], null);
            if (connection is null)
            {
                continue;
            }

            if (connection.LooksAlive() && _time.GetElapsedTime(connection.LastUsed) < _idleTimeout)
            {
                return connection;
            }

            _ = connection.DisposeAsync();
        }

        return null;
    }

    /// <summary>Puts a connection that finished a request cleanly back for reuse, or closes it when the pool is full.</summary>
    public void Return(UpstreamConnection connection)
    {
        connection.LastUsed = _time.GetTimestamp();
        for (int i = 0; i < _idle.Length; i++)
        {
            if (Interlocked.CompareExchange(ref _idle[i], connection, null) is null)
            {
                return;
            }
        }

        _ = connection.DisposeAsync();
    }

    /// <summary>Opens a new connection; throws <see cref="SocketException"/> or <see cref="TimeoutException"/> on failure.</summary>
    public async ValueTask<UpstreamConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        Socket socket = await SocketConnector.ConnectAsync(_endPoint, _connectTimeout, cancellationToken).ConfigureAwait(false);
        return new UpstreamConnection(new SocketConnection(socket, _inputBufferBytes), _time.GetTimestamp());
    }

    /// <summary>Closes idle connections older than the idle timeout (all of them when <paramref name="all"/>).</summary>
    public void CloseIdle(bool all)
    {
        for (int i = 0; i < _idle.Length; i++)
        {
            UpstreamConnection? connection = Volatile.Read(ref _idle[i]);
            if (connection is null || (!all && _time.GetElapsedTime(connection.LastUsed) < _idleTimeout))
            {
                continue;
            }

            if (Interlocked.CompareExchange(ref _idle[i], null, connection) == connection)
            {
                _ = connection.DisposeAsync();
            }
        }
    }
}

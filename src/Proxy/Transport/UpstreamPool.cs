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
    // Not readonly: a config reload sets new limits on the pools of the backends it keeps
    // (SetTimeouts). A TimeSpan is one 8-byte field, written and read whole on a 64-bit runtime;
    // a request that reads the old value just before a reload uses the old limit once.
    private TimeSpan _connectTimeout;
    private TimeSpan _idleTimeout;
    private int _retired;

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

    /// <summary>Idle connection slots: limits.maxIdlePerBackend when the pool was made.</summary>
    public int MaxIdle => _idle.Length;

    /// <summary>True once a config reload removed the backend: connections still in use are closed when returned.</summary>
    public bool IsRetired => Volatile.Read(ref _retired) == 1;

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
                // Paired with Retire: each side makes its write with a full fence before it reads
                // the other's, so a connection returned while the backend is retired is closed by
                // one of the two.
                if (Volatile.Read(ref _retired) == 1)
                {
                    CloseIdle(all: true);
                }

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

    /// <summary>Opens a new connection with its own connect timeout (a route's).</summary>
    public async ValueTask<UpstreamConnection> ConnectAsync(TimeSpan connectTimeout, CancellationToken cancellationToken)
    {
        Socket socket = await SocketConnector.ConnectAsync(_endPoint, connectTimeout, cancellationToken).ConfigureAwait(false);
        return new UpstreamConnection(new SocketConnection(socket, _inputBufferBytes), _time.GetTimestamp());
    }

    /// <summary>Applies new connect and idle timeouts (a config reload that keeps this backend).</summary>
    public void SetTimeouts(TimeSpan connectTimeout, TimeSpan idleTimeout)
    {
        _connectTimeout = connectTimeout;
        _idleTimeout = idleTimeout;
    }

    /// <summary>The backend left the config: closes idle connections now and every connection returned from here on.</summary>
    /// <remarks>Requests still in flight on it finish on their connection (drain); nothing new is picked for it.</remarks>
    public void Retire()
    {
        Interlocked.Exchange(ref _retired, 1);
        CloseIdle(all: true);
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

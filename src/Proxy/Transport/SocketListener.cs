using System.Net;
using System.Net.Sockets;
using FastLb.Proxy.Metrics;

namespace FastLb.Proxy.Transport;

/// <summary>What an accept loop needs beyond its handler: the shared connection limit, counters, a log and a clock.</summary>
/// <param name="Limit">The connections held across all listeners; null for no limit.</param>
/// <param name="Metrics">Counts refused connections and accept failures.</param>
/// <param name="Refusal">Bytes written to a connection refused over the limit before it is closed (an HTTP 503), or empty.</param>
/// <param name="Log">Where accept failures are logged (at most once per <see cref="AcceptBackoff.LogInterval"/>).</param>
/// <param name="Time">The clock of the backoff.</param>
/// <param name="Name">The listener's name, for log lines.</param>
internal sealed record AcceptGuard(ConnectionLimit? Limit, ProxyMetrics Metrics, ReadOnlyMemory<byte> Refusal, TextWriter Log, TimeProvider Time, string Name)
{
    /// <summary>The answer an HTTP listener writes to a connection refused over <c>limits.maxConnections</c>.</summary>
    public static readonly ReadOnlyMemory<byte> HttpRefusal =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray();
}

/// <summary>Accepts connections on one address and hands each socket to a handler.</summary>
/// <remarks>
/// Over the connection limit a socket is accepted and closed at once (after the guard's refusal bytes, if any), and counted.
/// A failed accept other than the listener closing (descriptor exhaustion, ENOBUFS, ...) waits with <see cref="AcceptBackoff"/>
/// before the next accept instead of spinning, is counted, and is logged at most once per interval.
/// </remarks>
internal sealed class SocketListener : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Func<Socket, Task> _handler;
    private readonly AcceptGuard? _guard;
    private readonly CancellationTokenSource _stop = new();
    private Task? _acceptLoop;

    /// <summary>Binds <paramref name="endPoint"/> (port 0 picks a free port) and starts listening.</summary>
    public SocketListener(IPEndPoint endPoint, Func<Socket, Task> handler, AcceptGuard? guard = null)
    {
        _handler = handler;
        _guard = guard;
        _socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _socket.Bind(endPoint);
            _socket.Listen(4096);
        }
        catch
        {
            _socket.Dispose();
            throw;
        }

        EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
    }

    /// <summary>The address actually bound.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>Starts accepting in the background.</summary>
    public void Start() => _acceptLoop = AcceptLoopAsync();

    private async Task AcceptLoopAsync()
    {
        AcceptBackoff backoff = new(_guard?.Time ?? TimeProvider.System);
        while (true)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted or SocketError.InvalidArgument)
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionAborted or SocketError.ConnectionReset)
            {
                // A connection that died between SYN and accept (ECONNABORTED): keep accepting at once.
                continue;
            }
            catch (SocketException e)
            {
                // EMFILE/ENFILE (TooManyOpenFiles), ENOBUFS, ENOMEM...: retrying at once would spin; wait, doubling.
                if (!await BackOffAsync(backoff, e).ConfigureAwait(false))
                {
                    return;
                }

                continue;
            }

            backoff.Succeed();
            client.NoDelay = true;
            ConnectionLimit? limit = _guard?.Limit;
            if (limit is null)
            {
                _ = _handler(client);
                continue;
            }

            if (!limit.TryReserve())
            {
                Refuse(client);
                continue;
            }

            Task handled;
            try
            {
                handled = _handler(client);
            }
            catch
            {
                limit.Release();
                throw;
            }

            _ = handled.ContinueWith(static (_, state) => ((ConnectionLimit)state!).Release(), limit, CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private void Refuse(Socket client)
    {
        _guard!.Metrics.CountConnectionRefused();
        try
        {
            if (!_guard.Refusal.IsEmpty)
            {
                // A fresh socket's send buffer is empty: this small write does not block.
                client.Blocking = false;
                client.Send(_guard.Refusal.Span);
                client.Shutdown(SocketShutdown.Send);
            }
        }
        catch (SocketException)
        {
            // The client went away already.
        }
        finally
        {
            client.Dispose();
        }
    }

    /// <summary>Counts and maybe logs a failed accept, then waits; false once the listener is stopping.</summary>
    private async Task<bool> BackOffAsync(AcceptBackoff backoff, SocketException e)
    {
        (TimeSpan delay, bool log) = backoff.Fail(out long suppressed);
        if (_guard is not null)
        {
            _guard.Metrics.CountAcceptFailure();
            if (log)
            {
                string more = suppressed > 0 ? $" ({suppressed} more since the last line)" : "";
                _guard.Log.WriteLine($"listener '{_guard.Name}': accept failed: {e.SocketErrorCode} ({e.Message}){more}; retrying in {delay.TotalMilliseconds:0} ms");
            }
        }

        try
        {
            await Task.Delay(delay, _guard?.Time ?? TimeProvider.System, _stop.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Stops accepting; connections already accepted are not touched.</summary>
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _socket.Dispose();
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }

        _stop.Dispose();
    }
}

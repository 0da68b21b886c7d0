using System.Buffers;
using System.IO.Pipelines;

namespace FastLb.Proxy.Transport;

/// <summary>A connection to a backend, as pipes, that may be kept idle and reused for later requests.</summary>
internal sealed class UpstreamConnection : IAsyncDisposable
{
    private readonly SocketConnection _connection;
    private int _disposed;

    /// <summary>Wraps a connected <paramref name="connection"/>.</summary>
    public UpstreamConnection(SocketConnection connection, long now)
    {
        _connection = connection;
        LastUsed = now;
    }

    /// <summary>Bytes from the backend.</summary>
    public PipeReader Input => _connection.Input;

    /// <summary>Bytes to the backend.</summary>
    public PipeWriter Output => _connection.Output;

    /// <summary>When the connection last finished a request, from <see cref="TimeProvider.GetTimestamp"/>.</summary>
    public long LastUsed { get; set; }

    /// <summary>
    /// True when an idle connection still looks usable: the backend has not closed it and has
    /// sent nothing unasked (either would make the next response ambiguous).
    /// </summary>
    public bool LooksAlive()
    {
        if (!Input.TryRead(out ReadResult result))
        {
            return true;
        }

        bool alive = result.Buffer.IsEmpty && !result.IsCompleted && !result.IsCanceled;
        Input.AdvanceTo(result.Buffer.Start);
        return alive;
    }

    /// <summary>Closes the connection at once, without waiting for queued bytes.</summary>
    public void Abort() => _connection.Abort();

    /// <summary>Closes the connection; safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}

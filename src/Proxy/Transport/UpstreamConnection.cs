using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace FastLb.Proxy.Transport;

/// <summary>A connection to a backend, as pipes, that may be kept idle and reused for later requests.</summary>
internal sealed class UpstreamConnection : IAsyncDisposable
{
    private readonly ConnectionContext _context;
    private int _disposed;

    /// <summary>Wraps a connected <paramref name="context"/>.</summary>
    public UpstreamConnection(ConnectionContext context, long now)
    {
        _context = context;
        LastUsed = now;
    }

    /// <summary>Bytes from the backend.</summary>
    public PipeReader Input => _context.Transport.Input;

    /// <summary>Bytes to the backend.</summary>
    public PipeWriter Output => _context.Transport.Output;

    /// <summary>When the connection last finished a request, from <see cref="TimeProvider.GetTimestamp"/>.</summary>
    public long LastUsed { get; set; }

    /// <summary>Requests sent on this connection.</summary>
    public int Requests { get; set; }

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
    public void Abort() => _context.Abort();

    /// <summary>Closes the connection; safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await Output.CompleteAsync().ConfigureAwait(false);
            await Input.CompleteAsync().ConfigureAwait(false);
            await _context.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // Closing a connection the backend already reset: nothing left to do.
        }
    }
}

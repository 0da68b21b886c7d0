using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;

namespace FastLb.Proxy.Transport;

/// <summary>A connected socket as a pair of pipes: one receive loop fills <see cref="Input"/>, one send loop drains <see cref="Output"/>.</summary>
/// <remarks>
/// Our own loop rather than Kestrel's socket transport: Kestrel's pinned block pool grows with a
/// large upload and only a gen2 collection returns its blocks, so the proxy's memory grew with the
/// body (bench/RESULTS.md, "Socket transport memory"). Here buffers come from the shared array pool
/// and go back to it. As Kestrel does, a zero-byte receive waits for data
/// before a buffer is rented, so an idle keep-alive connection holds no buffer.
/// </remarks>
internal sealed class SocketConnection : IAsyncDisposable
{
    // Pipe segments of 16 KiB: four times fewer send and receive calls than 4 KiB pages for bulk
    // bodies, and still small enough that a request head usually fits in one segment.
    private const int SegmentSize = 16 * 1024;

    private readonly Socket _socket;
    private readonly Pipe _input;
    private readonly Pipe _output;
    private readonly Task _receiving;
    private readonly Task _sending;
    private int _disposed;

    /// <summary>Starts the loops of <paramref name="socket"/>; the connection owns the socket from now on.</summary>
    /// <param name="socket">A connected socket.</param>
    /// <param name="maxBufferedInput">Bytes received but not consumed before receiving pauses (backpressure).</param>
    public SocketConnection(Socket socket, int maxBufferedInput)
    {
        _socket = socket;
        RemoteEndPoint = socket.RemoteEndPoint;
        _input = new Pipe(new PipeOptions(MemoryPool<byte>.Shared, PipeScheduler.Inline, PipeScheduler.Inline,
            maxBufferedInput, maxBufferedInput / 2, SegmentSize, useSynchronizationContext: false));
        _output = new Pipe(new PipeOptions(MemoryPool<byte>.Shared, PipeScheduler.Inline, PipeScheduler.Inline,
            64 * 1024, 32 * 1024, SegmentSize, useSynchronizationContext: false));
        _receiving = ReceiveLoopAsync();
        _sending = SendLoopAsync();
    }

    /// <summary>Bytes from the peer.</summary>
    public PipeReader Input => _input.Reader;

    /// <summary>Bytes to the peer; completing it half-closes the socket once everything is sent.</summary>
    public PipeWriter Output => _output.Writer;

    /// <summary>The peer's address.</summary>
    public EndPoint? RemoteEndPoint { get; }

    private async Task ReceiveLoopAsync()
    {
        PipeWriter writer = _input.Writer;
        Exception? error = null;
        try
        {
            while (true)
            {
                await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
                Memory<byte> memory = writer.GetMemory(SegmentSize);
                int read = await _socket.ReceiveAsync(memory, SocketFlags.None).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                writer.Advance(read);
                FlushResult flush = await writer.FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted || flush.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted)
        {
            // Closed by us (Abort or Dispose): a plain end for the reader.
        }
        catch (ObjectDisposedException)
        {
        }
        catch (SocketException e)
        {
            error = e;
        }

        await writer.CompleteAsync(error).ConfigureAwait(false);
    }

    private async Task SendLoopAsync()
    {
        PipeReader reader = _output.Reader;
        try
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync().ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                foreach (ReadOnlyMemory<byte> segment in buffer)
                {
                    ReadOnlyMemory<byte> rest = segment;
                    while (!rest.IsEmpty)
                    {
                        int sent = await _socket.SendAsync(rest, SocketFlags.None).ConfigureAwait(false);
                        rest = rest[sent..];
                    }
                }

                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }

            // Everything written is sent: pass the end of the stream on (half-close).
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The peer is gone; the writer learns it from the completed reader (FlushResult.IsCompleted).
        }

        await reader.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>Closes the socket at once; pending reads end and unsent bytes are dropped.</summary>
    public void Abort()
    {
        try
        {
            _socket.Close(0);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Sends what was written, then closes; safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _output.Writer.CompleteAsync().ConfigureAwait(false);
        await _input.Reader.CompleteAsync().ConfigureAwait(false);
        // Give the send loop a bounded time to flush an answer before the socket closes.
        await _sending.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();
        await _receiving.ConfigureAwait(false);
    }
}

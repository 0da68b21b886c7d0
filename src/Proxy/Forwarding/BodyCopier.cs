using System.Runtime.CompilerServices;
using System.Buffers;
using System.IO.Pipelines;
using FastLb.Proxy.Http;

namespace FastLb.Proxy.Forwarding;

/// <summary>Streams bodies from one pipe to another as they arrive, never holding a whole body.</summary>
/// <remarks>
/// Memory stays bounded by the pipes' pause thresholds: a flush waits while the reader of the
/// destination is behind, so a 50 MiB body costs no more memory than a 64 KiB one.
/// </remarks>
internal static class BodyCopier
{
    /// <summary>Copies exactly <paramref name="length"/> bytes.</summary>
    /// <remarks>Hot path: guarded by ProxyRelayBenchmarks.</remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<CopyStatus> CopyExactAsync(PipeReader source, PipeWriter destination, long length)
    {
        while (length > 0)
        {
            ReadResult result = await source.ReadAsync().ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (buffer.IsEmpty && (result.IsCompleted || result.IsCanceled))
            {
                source.AdvanceTo(buffer.Start);
                return CopyStatus.SourceEnded;
            }

            ReadOnlySequence<byte> slice = buffer.Length > length ? buffer.Slice(0, length) : buffer;
            Write(destination, slice);
            length -= slice.Length;
            source.AdvanceTo(slice.End);
            FlushResult flush = await destination.FlushAsync().ConfigureAwait(false);
            if (flush.IsCompleted)
            {
                return length == 0 ? CopyStatus.Done : CopyStatus.DestinationGone;
            }
        }

        return CopyStatus.Done;
    }

    /// <summary>Copies a chunked body unchanged while checking its framing; stops right after its end.</summary>
    /// <param name="source">Where the body comes from.</param>
    /// <param name="destination">Where it goes.</param>
    /// <param name="maxBodyBytes">Largest decoded body allowed.</param>
    /// <param name="reason">The framing error when the result is <see cref="CopyStatus.Malformed"/>.</param>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<(CopyStatus Status, RejectReason Reason)> CopyChunkedAsync(PipeReader source, PipeWriter destination, long maxBodyBytes)
    {
        var scanner = default(ChunkedBodyScanner);
        scanner.Reset();
        while (true)
        {
            ReadResult result = await source.ReadAsync().ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            ParseStatus status = scanner.Scan(buffer, out long forwardable, out RejectReason reason);
            if (status == ParseStatus.Rejected)
            {
                source.AdvanceTo(buffer.Start);
                return (CopyStatus.Malformed, reason);
            }

            if (scanner.BodyBytes > maxBodyBytes)
            {
                source.AdvanceTo(buffer.Start);
                return (CopyStatus.TooLarge, RejectReason.BodyTooLarge);
            }

            if (forwardable > 0)
            {
                Write(destination, buffer.Slice(0, forwardable));
            }

            if (status == ParseStatus.Complete)
            {
                source.AdvanceTo(buffer.GetPosition(forwardable));
                FlushResult last = await destination.FlushAsync().ConfigureAwait(false);
                return (last.IsCompleted ? CopyStatus.DestinationGone : CopyStatus.Done, RejectReason.None);
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                source.AdvanceTo(buffer.Start);
                return (CopyStatus.SourceEnded, RejectReason.None);
            }

            // The forwardable part is consumed; an incomplete size line stays for the next read.
            source.AdvanceTo(buffer.GetPosition(forwardable), buffer.End);
            FlushResult flush = await destination.FlushAsync().ConfigureAwait(false);
            if (flush.IsCompleted)
            {
                return (CopyStatus.DestinationGone, RejectReason.None);
            }
        }
    }

    /// <summary>Copies until the source ends (close-delimited bodies, tunnels).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<CopyStatus> CopyToEndAsync(PipeReader source, PipeWriter destination)
    {
        while (true)
        {
            ReadResult result = await source.ReadAsync().ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (!buffer.IsEmpty)
            {
                Write(destination, buffer);
            }

            source.AdvanceTo(buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                await destination.FlushAsync().ConfigureAwait(false);
                return CopyStatus.Done;
            }

            FlushResult flush = await destination.FlushAsync().ConfigureAwait(false);
            if (flush.IsCompleted)
            {
                return CopyStatus.DestinationGone;
            }
        }
    }

    /// <summary>Copies <paramref name="buffer"/> into <paramref name="destination"/> without flushing.</summary>
    public static void Write(PipeWriter destination, in ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsSingleSegment)
        {
            destination.Write(buffer.FirstSpan);
            return;
        }

        foreach (ReadOnlyMemory<byte> segment in buffer)
        {
            destination.Write(segment.Span);
        }
    }
}

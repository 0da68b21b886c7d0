using System.Buffers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using FastLb.Proxy.Metrics;

namespace FastLb.Proxy.Tcp;

/// <summary>Relays bytes between two connected sockets until both directions end, with half-close.</summary>
/// <remarks>
/// On Linux each direction splices socket -> kernel pipe -> socket, so payload never enters user
/// space: a zero-byte receive waits (asynchronously) until the source is readable, then splice
/// moves what is there. When the destination cannot take more (EAGAIN), the bytes already in the
/// kernel pipe are read out and sent with an async send, which waits for room without blocking a
/// thread. Where splice is refused (EINVAL, not Linux) the direction copies through a pooled buffer.
/// <para>
/// Descriptor safety. splice(2) takes raw descriptor numbers, which the runtime knows nothing of;
/// meanwhile the other direction (on a reset), the session's owner, or the shutdown's
/// <c>SocketRegistry.CloseAll</c> may close either socket. Were a socket's descriptor closed
/// between reading its number and the splice, the kernel could have handed the same number to a new
/// connection, and the splice would move this session's bytes into (or out of) that one. So every
/// use of a raw socket descriptor happens inside <see cref="SpliceOnce"/>, between
/// <c>DangerousAddRef</c> and <c>DangerousRelease</c> on both sockets' <see cref="SafeSocketHandle"/>:
/// <list type="bullet">
/// <item>a close that comes first makes <c>DangerousAddRef</c> throw <see cref="ObjectDisposedException"/>,
/// and the pump ends without touching the number;</item>
/// <item>a close that comes while the references are held cannot close(2) the descriptor: the
/// runtime defers it (<c>Socket.Close</c> spins in <c>SafeSocketHandle.CloseAsIs</c>) until the last
/// release, so the number stays ours and cannot be reused; the splice then sees a shut-down or
/// closed socket and returns 0 or an error.</item>
/// </list>
/// The references are held only across non-blocking system calls, never across an await: a closer
/// spins for at most one batch of splices, and no wait (for readability, for room) can keep a
/// closing socket alive. This is also how the runtime guards its own socket calls, so the
/// close-anywhere design (a reset on either side closes both sockets at once) stays as it was.
/// </para>
/// </remarks>
internal static class TcpTunnel
{
    private const int ChunkBytes = 64 * 1024;

    /// <summary>Relays until both directions are done; returns bytes moved each way, also counted in <paramref name="metrics"/>.</summary>
    public static async Task<(long ClientToBackend, long BackendToClient)> RelayAsync(Socket client, Socket backend, bool useSplice, ProxyMetrics metrics)
    {
        Task<long> up = PumpAsync(client, backend, useSplice, metrics, TcpDirection.ToBackend);
        Task<long> down = PumpAsync(backend, client, useSplice, metrics, TcpDirection.ToClient);
        await Task.WhenAll(up, down).ConfigureAwait(false);
        return (up.Result, down.Result);
    }

    /// <summary>Moves bytes from <paramref name="from"/> to <paramref name="to"/> until <paramref name="from"/> ends, then half-closes <paramref name="to"/>.</summary>
    internal static async Task<long> PumpAsync(Socket from, Socket to, bool useSplice, ProxyMetrics metrics, TcpDirection direction)
    {
        // Bytes moved so far, kept outside the loops so that a pump ended by a reset still counts
        // what it moved; counted once per pump (one interlocked add), not per chunk.
        var moved = new StrongBox<long>();
        TcpRelayMode mode = TcpRelayMode.Copy;
        try
        {
            bool spliced = false;
            if (useSplice && Splice.IsSupported && Splice.TryCreatePipe(out int pipeRead, out int pipeWrite))
            {
                // The pipe's two descriptors belong to this pump alone (nothing else sees the
                // numbers) and are closed exactly once, here, after the last use.
                try
                {
                    mode = TcpRelayMode.Splice;
                    spliced = await SpliceAsync(from, to, pipeRead, pipeWrite, moved).ConfigureAwait(false);
                }
                finally
                {
                    Splice.Close(pipeRead);
                    Splice.Close(pipeWrite);
                }
            }

            if (!spliced)
            {
                mode = TcpRelayMode.Copy;
                await CopyAsync(from, to, moved).ConfigureAwait(false);
            }

            // Counted before the half-close, so that a peer that saw the end also sees the count.
            metrics.CountTcpBytes(mode, direction, moved.Value);
            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
            // A reset on either side ends both directions. Closing here is safe for the other
            // direction's splice: it holds references while it uses the raw descriptors (see remarks).
            metrics.CountTcpBytes(mode, direction, moved.Value);
            from.Close();
            to.Close();
        }

        return moved.Value;
    }

    /// <summary>Splices until the source ends (true); false when the kernel refuses splice before any byte moved (fall back to copying).</summary>
    private static async Task<bool> SpliceAsync(Socket from, Socket to, int pipeRead, int pipeWrite, StrongBox<long> moved)
    {
        SafeSocketHandle fromHandle = from.SafeHandle;
        SafeSocketHandle toHandle = to.SafeHandle;
        byte[]? spill = null;
        try
        {
            while (true)
            {
                // Wait until readable (or end of stream) without renting a buffer.
                await from.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
                SpliceStep step = SpliceOnce(fromHandle, toHandle, pipeRead, pipeWrite, moved, out long inPipe);
                switch (step)
                {
                    case SpliceStep.End:
                        return true;
                    case SpliceStep.Again:
                        continue;
                    case SpliceStep.Refused when moved.Value == 0:
                        return false;
                    case SpliceStep.Refused:
                        throw new SocketException(Splice.EINVAL);
                }

                // The destination is full: take the bytes left in the pipe out and let an async
                // send wait for room (no descriptor reference is held across this await).
                while (inPipe > 0)
                {
                    spill ??= ArrayPool<byte>.Shared.Rent(ChunkBytes);
                    int read = ReadPipe(pipeRead, spill, (int)inPipe);
                    await SendAllAsync(to, spill.AsMemory(0, read)).ConfigureAwait(false);
                    inPipe -= read;
                    moved.Value += read;
                }
            }
        }
        finally
        {
            if (spill is not null)
            {
                ArrayPool<byte>.Shared.Return(spill);
            }
        }
    }

    private enum SpliceStep
    {
        /// <summary>Bytes went into the pipe; some may be left there for the caller to send.</summary>
        Moved,

        /// <summary>Nothing to read after all (spurious wake-up or interrupted): wait again.</summary>
        Again,

        /// <summary>The source ended.</summary>
        End,

        /// <summary>The kernel refuses splice for these descriptors (EINVAL).</summary>
        Refused,
    }

    /// <summary>One readable event's worth of splicing: source -> pipe, then pipe -> destination until it is empty or the destination is full.</summary>
    /// <remarks>Synchronous on purpose: the only place raw socket descriptors are used, with both sockets' handles referenced for its whole length (see the type's remarks).</remarks>
    private static SpliceStep SpliceOnce(SafeSocketHandle from, SafeSocketHandle to, int pipeRead, int pipeWrite, StrongBox<long> moved, out long inPipe)
    {
        inPipe = 0;
        bool fromHeld = false;
        bool toHeld = false;
        try
        {
            // Throws ObjectDisposedException when a socket is already closed: the pump ends.
            from.DangerousAddRef(ref fromHeld);
            to.DangerousAddRef(ref toHeld);
            int fromFd = (int)from.DangerousGetHandle();
            int toFd = (int)to.DangerousGetHandle();
            inPipe = Splice.Transfer(fromFd, pipeWrite, ChunkBytes, Splice.Move | Splice.NonBlock, out int errno);
            if (inPipe == 0)
            {
                return SpliceStep.End;
            }

            if (inPipe < 0)
            {
                inPipe = 0;
                return errno switch
                {
                    Splice.EAGAIN or Splice.EINTR => SpliceStep.Again,
                    Splice.EINVAL => SpliceStep.Refused,
                    _ => throw new SocketException(errno),
                };
            }

            while (inPipe > 0)
            {
                long n = Splice.Transfer(pipeRead, toFd, (int)inPipe, Splice.Move | Splice.NonBlock, out errno);
                if (n > 0)
                {
                    inPipe -= n;
                    moved.Value += n;
                    continue;
                }

                if (n < 0 && errno is not (Splice.EAGAIN or Splice.EINTR))
                {
                    throw new SocketException(errno);
                }

                // Full (or interrupted): the caller sends the rest asynchronously.
                break;
            }

            return SpliceStep.Moved;
        }
        finally
        {
            if (toHeld)
            {
                to.DangerousRelease();
            }

            if (fromHeld)
            {
                from.DangerousRelease();
            }
        }
    }

    private static unsafe int ReadPipe(int pipeRead, byte[] buffer, int count)
    {
        fixed (byte* p = buffer)
        {
            nint read = Splice.Read(pipeRead, p, (nuint)Math.Min(count, buffer.Length));
            if (read <= 0)
            {
                throw new SocketException(System.Runtime.InteropServices.Marshal.GetLastPInvokeError());
            }

            return (int)read;
        }
    }

    private static async Task CopyAsync(Socket from, Socket to, StrongBox<long> moved)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            while (true)
            {
                int read = await from.ReceiveAsync(buffer.AsMemory(), SocketFlags.None).ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                await SendAllAsync(to, buffer.AsMemory(0, read)).ConfigureAwait(false);
                moved.Value += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async ValueTask SendAllAsync(Socket to, ReadOnlyMemory<byte> data)
    {
        while (!data.IsEmpty)
        {
            int sent = await to.SendAsync(data, SocketFlags.None).ConfigureAwait(false);
            data = data[sent..];
        }
    }
}

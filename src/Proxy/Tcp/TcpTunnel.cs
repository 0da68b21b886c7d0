using System.Buffers;
using System.Net.Sockets;

namespace FastLb.Proxy.Tcp;

/// <summary>Relays bytes between two connected sockets until both directions end, with half-close.</summary>
/// <remarks>
/// On Linux each direction splices socket -> kernel pipe -> socket, so payload never enters user
/// space: a zero-byte receive waits (asynchronously) until the source is readable, then splice
/// moves what is there. When the destination cannot take more (EAGAIN), the bytes already in the
/// kernel pipe are read out and sent with an async send, which waits for room without blocking a
/// thread. Where splice is refused (EINVAL, not Linux) the direction copies through a pooled buffer.
/// </remarks>
internal static class TcpTunnel
{
    private const int ChunkBytes = 64 * 1024;

    /// <summary>Relays until both directions are done; returns bytes moved each way.</summary>
    public static async Task<(long ClientToBackend, long BackendToClient)> RelayAsync(Socket client, Socket backend, bool useSplice)
    {
        Task<long> up = PumpAsync(client, backend, useSplice);
        Task<long> down = PumpAsync(backend, client, useSplice);
        await Task.WhenAll(up, down).ConfigureAwait(false);
        return (up.Result, down.Result);
    }

    /// <summary>Moves bytes from <paramref name="from"/> to <paramref name="to"/> until <paramref name="from"/> ends, then half-closes <paramref name="to"/>.</summary>
    internal static async Task<long> PumpAsync(Socket from, Socket to, bool useSplice)
    {
        long moved = 0;
        try
        {
            if (useSplice && Splice.IsSupported && Splice.TryCreatePipe(out int pipeRead, out int pipeWrite))
            {
                try
                {
                    long? spliced = await SpliceAsync(from, to, pipeRead, pipeWrite).ConfigureAwait(false);
                    if (spliced is { } total)
                    {
                        moved = total;
                        to.Shutdown(SocketShutdown.Send);
                        return moved;
                    }
                }
                finally
                {
                    Splice.Close(pipeRead);
                    Splice.Close(pipeWrite);
                }
            }

            moved += await CopyAsync(from, to).ConfigureAwait(false);
            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
            // A reset on either side ends both directions.
            from.Close();
            to.Close();
        }

        return moved;
    }

    /// <summary>Splices until the source ends; null when the kernel refuses splice before any byte moved (fall back to copying).</summary>
    private static async Task<long?> SpliceAsync(Socket from, Socket to, int pipeRead, int pipeWrite)
    {
        int fromFd = (int)from.SafeHandle.DangerousGetHandle();
        int toFd = (int)to.SafeHandle.DangerousGetHandle();
        long total = 0;
        byte[]? spill = null;
        try
        {
            while (true)
            {
                // Wait until readable (or end of stream) without renting a buffer.
                await from.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
                long inPipe = Splice.Transfer(fromFd, pipeWrite, ChunkBytes, Splice.Move | Splice.NonBlock, out int errno);
                if (inPipe == 0)
                {
                    return total;
                }

                if (inPipe < 0)
                {
                    if (errno is Splice.EAGAIN or Splice.EINTR)
                    {
                        continue;
                    }

                    if (errno == Splice.EINVAL && total == 0)
                    {
                        return null;
                    }

                    throw new SocketException(errno);
                }

                while (inPipe > 0)
                {
                    long sent = Splice.Transfer(pipeRead, toFd, (int)inPipe, Splice.Move | Splice.NonBlock, out errno);
                    if (sent > 0)
                    {
                        inPipe -= sent;
                        total += sent;
                        continue;
                    }

                    if (sent < 0 && errno is not (Splice.EAGAIN or Splice.EINTR))
                    {
                        throw new SocketException(errno);
                    }

                    // The destination is full: take the bytes out of the pipe and let an async
                    // send wait for room.
                    spill ??= ArrayPool<byte>.Shared.Rent(ChunkBytes);
                    int read = ReadPipe(pipeRead, spill, (int)inPipe);
                    await SendAllAsync(to, spill.AsMemory(0, read)).ConfigureAwait(false);
                    inPipe -= read;
                    total += read;
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

    private static async Task<long> CopyAsync(Socket from, Socket to)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        long total = 0;
        try
        {
            while (true)
            {
                int read = await from.ReceiveAsync(buffer.AsMemory(), SocketFlags.None).ConfigureAwait(false);
                if (read == 0)
                {
                    return total;
                }

                await SendAllAsync(to, buffer.AsMemory(0, read)).ConfigureAwait(false);
                total += read;
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

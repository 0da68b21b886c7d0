using System.Runtime.InteropServices;

namespace FastLb.Proxy.Tcp;

/// <summary>Linux splice(2) and pipe2(2): move bytes socket -> kernel pipe -> socket without entering user space.</summary>
internal static partial class Splice
{
    /// <summary>Do not block in the splice itself; readiness comes from a zero-byte receive.</summary>
    public const uint NonBlock = 0x02;

    /// <summary>Hint to move pages rather than copy.</summary>
    public const uint Move = 0x01;

    /// <summary>More data follows (like MSG_MORE).</summary>
    public const uint More = 0x04;

    /// <summary>errno: try again.</summary>
    public const int EAGAIN = 11;

    /// <summary>errno: interrupted.</summary>
    public const int EINTR = 4;

    /// <summary>errno: splice not supported for these descriptors.</summary>
    public const int EINVAL = 22;

    private const int ONonBlock = 0x800;
    private const int OCloExec = 0x80000;

    /// <summary>True where splice can be tried at all.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux();

    [LibraryImport("libc", EntryPoint = "splice", SetLastError = true)]
    private static partial nint SpliceNative(int fdIn, nint offIn, int fdOut, nint offOut, nuint length, uint flags);

    [LibraryImport("libc", EntryPoint = "pipe2", SetLastError = true)]
    private static unsafe partial int Pipe2Native(int* fds, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int CloseNative(int fd);

    /// <summary>Moves up to <paramref name="length"/> bytes from <paramref name="from"/> to <paramref name="to"/>; -1 with <paramref name="errno"/> on failure.</summary>
    public static long Transfer(int from, int to, int length, uint flags, out int errno)
    {
        nint moved = SpliceNative(from, 0, to, 0, (nuint)length, flags);
        errno = moved < 0 ? Marshal.GetLastPInvokeError() : 0;
        return moved;
    }

    /// <summary>Creates a non-blocking kernel pipe; false when the kernel refuses.</summary>
    public static unsafe bool TryCreatePipe(out int readEnd, out int writeEnd)
    {
        int* fds = stackalloc int[2];
        if (Pipe2Native(fds, ONonBlock | OCloExec) != 0)
        {
            readEnd = writeEnd = -1;
            return false;
        }

        readEnd = fds[0];
        writeEnd = fds[1];
        return true;
    }

    /// <summary>Closes a descriptor made by <see cref="TryCreatePipe"/>.</summary>
    public static void Close(int fd)
    {
        if (fd >= 0)
        {
            CloseNative(fd);
        }
    }

    /// <summary>read(2) from a pipe into a buffer, for when the destination socket cannot take a splice.</summary>
    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static unsafe partial nint Read(int fd, byte* buffer, nuint count);
}

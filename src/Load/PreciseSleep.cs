using System.Runtime.InteropServices;

namespace FastLb.Load;

/// <summary>Sleeps the calling thread for a sub-millisecond-accurate time: nanosleep(2) on Linux (about 60 µs late on an idle machine),
/// Thread.Sleep elsewhere. The open-loop scheduler uses it so that its sends are not batched on millisecond ticks, and it does not spin,
/// so a 2-core machine keeps its CPU for the target.</summary>
internal static partial class PreciseSleep
{
    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "nanosleep", SetLastError = true)]
    private static partial int NanoSleep(ref TimeSpec request, IntPtr remaining);

    /// <summary>Sleeps about <paramref name="seconds"/> (at least that long).</summary>
    public static void Sleep(double seconds)
    {
        if (seconds <= 0) return;
        if (OperatingSystem.IsLinux())
        {
            long ns = (long)(seconds * 1e9);
            var spec = new TimeSpec { Seconds = ns / 1_000_000_000, Nanoseconds = ns % 1_000_000_000 };
            NanoSleep(ref spec, IntPtr.Zero);
            return;
        }

        Thread.Sleep(TimeSpan.FromSeconds(seconds));
    }
}

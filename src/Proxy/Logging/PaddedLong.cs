using System.Runtime.InteropServices;

namespace FastLb.Proxy.Logging;

/// <summary>A long alone on its cache line, so a queue's head and tail do not false-share between cores.</summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct PaddedLong
{
    /// <summary>The value.</summary>
    [FieldOffset(64)]
    public long Value;
}

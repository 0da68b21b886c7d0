using System.Security.Cryptography;

namespace FastLb.Proxy.Forwarding;

/// <summary>Assigns request ids: a random per-process prefix and a counter, 16 hex digits, no allocation.</summary>
internal sealed class RequestIds
{
    private readonly ulong _prefix = (ulong)RandomNumberGenerator.GetInt32(int.MaxValue) << 32;
    private long _counter;

    /// <summary>The next id.</summary>
    public ulong Next() => _prefix ^ (ulong)Interlocked.Increment(ref _counter);

    /// <summary>Formats <paramref name="id"/> as 16 lower-case hex digits into <paramref name="destination"/>.</summary>
    public static int Format(ulong id, Span<byte> destination)
    {
        ReadOnlySpan<byte> digits = "0123456789abcdef"u8;
        for (int i = 15; i >= 0; i--)
        {
            destination[i] = digits[(int)(id & 0xF)];
            id >>= 4;
        }

        return 16;
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FastLb.Proxy.Http;

/// <summary>Maps a field name to <see cref="KnownHeader"/> without allocating (names are case-insensitive, RFC 9110 5.1).</summary>
internal static class KnownHeaders
{
    private const ulong LowerMask64 = 0x2020202020202020;
    private const uint LowerMask32 = 0x20202020;

    /// <summary>The known header this name denotes, or <see cref="KnownHeader.Other"/>; <paramref name="name"/> must be a token.</summary>
    // Hot path: guarded by HttpHeadParserBenchmarks
    public static KnownHeader Classify(ReadOnlySpan<byte> name)
    {
        // Dispatch on length first: most names fail here or at their first 8 bytes.
        switch (name.Length)
        {
            case 2:
                return EqualsLower(name, "te"u8) ? KnownHeader.Te : KnownHeader.Other;
            case 4:
                return EqualsLower(name, "host"u8) ? KnownHeader.Host : KnownHeader.Other;
            case 6:
                return EqualsLower(name, "expect"u8) ? KnownHeader.Expect : KnownHeader.Other;
            case 7:
                return EqualsLower(name, "upgrade"u8) ? KnownHeader.Upgrade
                    : EqualsLower(name, "trailer"u8) ? KnownHeader.Trailer
                    : KnownHeader.Other;
            case 10:
                return EqualsLower(name, "connection"u8) ? KnownHeader.Connection
                    : EqualsLower(name, "keep-alive"u8) ? KnownHeader.KeepAlive
                    : KnownHeader.Other;
            case 12:
                return EqualsLower(name, "x-request-id"u8) ? KnownHeader.XRequestId : KnownHeader.Other;
            case 14:
                return EqualsLower(name, "content-length"u8) ? KnownHeader.ContentLength : KnownHeader.Other;
            case 15:
                return EqualsLower(name, "x-forwarded-for"u8) ? KnownHeader.XForwardedFor : KnownHeader.Other;
            case 16:
                return EqualsLower(name, "proxy-connection"u8) ? KnownHeader.ProxyConnection : KnownHeader.Other;
            case 17:
                return EqualsLower(name, "transfer-encoding"u8) ? KnownHeader.TransferEncoding
                    : EqualsLower(name, "x-forwarded-proto"u8) ? KnownHeader.XForwardedProto
                    : KnownHeader.Other;
            default:
                return KnownHeader.Other;
        }
    }

    /// <summary>
    /// Case-insensitive compare of a token against a lowercase name of the same length (letters and '-').
    /// OR-ing 0x20 into each byte lowercases A-Z and maps no other tchar onto a letter or '-', so it is exact for
    /// tokens; done 8 or 4 bytes at a time (overlapping reads), it is several times faster than
    /// Ascii.EqualsIgnoreCase on these short names (HttpHeadParserBenchmarks guards it).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool EqualsLower(ReadOnlySpan<byte> name, ReadOnlySpan<byte> lower)
    {
        int n = lower.Length;
        ref byte a = ref MemoryMarshal.GetReference(name);
        ref byte b = ref MemoryMarshal.GetReference(lower);
        if (n >= 8)
        {
            if (n > 16)
            {
                if ((Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref a, 8)) | LowerMask64) != Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref b, 8)))
                {
                    return false;
                }
            }

            return (Unsafe.ReadUnaligned<ulong>(ref a) | LowerMask64) == Unsafe.ReadUnaligned<ulong>(ref b)
                && (Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref a, n - 8)) | LowerMask64) == Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref b, n - 8));
        }

        if (n >= 4)
        {
            return (Unsafe.ReadUnaligned<uint>(ref a) | LowerMask32) == Unsafe.ReadUnaligned<uint>(ref b)
                && (Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref a, n - 4)) | LowerMask32) == Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref b, n - 4));
        }

        // Two bytes ("te").
        return (a | 0x20) == b && (Unsafe.Add(ref a, 1) | 0x20) == Unsafe.Add(ref b, 1);
    }
}

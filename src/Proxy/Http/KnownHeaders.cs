using System.Text;

namespace FastLb.Proxy.Http;

/// <summary>Maps a field name to <see cref="KnownHeader"/> without allocating (names are case-insensitive, RFC 9110 5.1).</summary>
internal static class KnownHeaders
{
    /// <summary>The known header this name denotes, or <see cref="KnownHeader.Other"/>.</summary>
    // Hot path: guarded by HttpHeadParserBenchmarks
    public static KnownHeader Classify(ReadOnlySpan<byte> name)
    {
        // Dispatch on length first: most names fail here with one compare.
        switch (name.Length)
        {
            case 2:
                return Ascii.EqualsIgnoreCase(name, "te"u8) ? KnownHeader.Te : KnownHeader.Other;
            case 4:
                return Ascii.EqualsIgnoreCase(name, "host"u8) ? KnownHeader.Host : KnownHeader.Other;
            case 6:
                return Ascii.EqualsIgnoreCase(name, "expect"u8) ? KnownHeader.Expect : KnownHeader.Other;
            case 7:
                return Ascii.EqualsIgnoreCase(name, "upgrade"u8) ? KnownHeader.Upgrade
                    : Ascii.EqualsIgnoreCase(name, "trailer"u8) ? KnownHeader.Trailer
                    : KnownHeader.Other;
            case 10:
                return Ascii.EqualsIgnoreCase(name, "connection"u8) ? KnownHeader.Connection
                    : Ascii.EqualsIgnoreCase(name, "keep-alive"u8) ? KnownHeader.KeepAlive
                    : KnownHeader.Other;
            case 12:
                return Ascii.EqualsIgnoreCase(name, "x-request-id"u8) ? KnownHeader.XRequestId : KnownHeader.Other;
            case 14:
                return Ascii.EqualsIgnoreCase(name, "content-length"u8) ? KnownHeader.ContentLength : KnownHeader.Other;
            case 15:
                return Ascii.EqualsIgnoreCase(name, "x-forwarded-for"u8) ? KnownHeader.XForwardedFor : KnownHeader.Other;
            case 16:
                return Ascii.EqualsIgnoreCase(name, "proxy-connection"u8) ? KnownHeader.ProxyConnection : KnownHeader.Other;
            case 17:
                return Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8) ? KnownHeader.TransferEncoding
                    : Ascii.EqualsIgnoreCase(name, "x-forwarded-proto"u8) ? KnownHeader.XForwardedProto
                    : KnownHeader.Other;
            default:
                return KnownHeader.Other;
        }
    }
}

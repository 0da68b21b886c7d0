using System.Net;

namespace FastLb.Proxy.Forwarding;

/// <summary>Affinity keys for hashing policies: FNV-1a over the client's address bytes, or over a header or cookie value; never 0.</summary>
internal static class AffinityKey
{
    /// <summary>The key of <paramref name="endPoint"/>'s address (IPv4-mapped IPv6 counts as IPv4); 1 when unknown.</summary>
    public static ulong Of(EndPoint? endPoint)
    {
        if (endPoint is not IPEndPoint ip)
        {
            return 1;
        }

        IPAddress address = ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address;
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out int written);
        return Of(bytes[..written]);
    }

    /// <summary>The key of a header or cookie value: FNV-1a over its bytes, never 0.</summary>
    public static ulong Of(ReadOnlySpan<byte> value)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in value)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        // 0 means "no key" to the policies (RequestFeatures.HashKey).
        return hash == 0 ? 1 : hash;
    }

    /// <summary>
    /// The value of cookie <paramref name="name"/> in a Cookie header value (<c>a=1; b=2</c>,
    /// RFC 6265 5.4), or empty when it is not there.
    /// </summary>
    public static ReadOnlySpan<byte> CookieValue(ReadOnlySpan<byte> header, ReadOnlySpan<byte> name)
    {
        while (!header.IsEmpty)
        {
            int end = header.IndexOf((byte)';');
            ReadOnlySpan<byte> pair = (end < 0 ? header : header[..end]).Trim((byte)' ');
            int equals = pair.IndexOf((byte)'=');
            if (equals > 0 && pair[..equals].SequenceEqual(name))
            {
                return pair[(equals + 1)..].Trim((byte)'"');
            }

            header = end < 0 ? default : header[(end + 1)..];
        }

        return default;
    }
}

using System.Net;

namespace FastLb.Proxy.Forwarding;

/// <summary>The affinity key of a client for hashing policies: FNV-1a over its IP address bytes, never 0.</summary>
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
        ulong hash = 14695981039346656037UL;
        foreach (byte b in bytes[..written])
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        // 0 means "no key" to the policies (RequestFeatures.HashKey).
        return hash == 0 ? 1 : hash;
    }
}

using System.Text;

namespace FastLb.Proxy.Configuration;

/// <summary>What a pool's affinity key (for <c>consistent_hash</c>) is taken from: the client address, a header or a cookie.</summary>
/// <param name="Kind">Where the key comes from.</param>
/// <param name="Name">The header or cookie name as ASCII bytes; empty for the client address.</param>
internal sealed record HashKeySource(HashKeyKind Kind, byte[] Name)
{
    /// <summary>The default: the client's IP address.</summary>
    public static HashKeySource Client { get; } = new(HashKeyKind.Client, []);

    /// <summary>Parses <c>client</c>, <c>header:NAME</c> or <c>cookie:NAME</c>; null when the text is none of those.</summary>
    public static HashKeySource? Parse(string? text)
    {
        if (text is null or "client")
        {
            return Client;
        }

        int colon = text.IndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            return null;
        }

        string name = text[(colon + 1)..];
        foreach (char c in name)
        {
            // RFC 9110 5.6.2 token characters; cookie names are tokens too (RFC 6265 4.1.1).
            if (c > 127 || !(char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c)))
            {
                return null;
            }
        }

        return text[..colon] switch
        {
            "header" => new HashKeySource(HashKeyKind.Header, Encoding.ASCII.GetBytes(name)),
            "cookie" => new HashKeySource(HashKeyKind.Cookie, Encoding.ASCII.GetBytes(name)),
            _ => null,
        };
    }
}

namespace FastLb.Proxy.Configuration;

/// <summary>A route's rate limits as bound (<c>routes[].rateLimit</c>): a token bucket per client address and one for the whole route.</summary>
internal sealed class RateLimitOptions
{
    /// <summary>One bucket per client address (the connection's remote IP); null for none.</summary>
    public TokenBucketOptions? PerClient { get; set; }

    /// <summary>One bucket shared by every request of the route; null for none.</summary>
    public TokenBucketOptions? Route { get; set; }

    /// <summary>Buckets kept for client addresses (rounded up to a power of two); bounds memory under many addresses.</summary>
    public int ClientSlots { get; set; } = 16384;
}

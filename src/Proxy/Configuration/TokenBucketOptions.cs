namespace FastLb.Proxy.Configuration;

/// <summary>One token bucket as bound: <see cref="Rate"/> tokens a second refill it, up to <see cref="Burst"/>.</summary>
internal sealed class TokenBucketOptions
{
    /// <summary>Tokens added per second (requests per second sustained); may be fractional, e.g. 0.5.</summary>
    public double Rate { get; set; }

    /// <summary>The bucket's size: requests that may arrive at once after a quiet spell; defaults to the rate rounded up.</summary>
    public int? Burst { get; set; }
}

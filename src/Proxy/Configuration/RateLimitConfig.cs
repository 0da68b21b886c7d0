namespace FastLb.Proxy.Configuration;

/// <summary>A route's validated rate limits; equal values keep the running buckets across a reload.</summary>
/// <param name="PerClient">The bucket each client address gets; null for none.</param>
/// <param name="Route">The bucket the whole route shares; null for none.</param>
/// <param name="ClientSlots">Client buckets kept, a power of two.</param>
internal sealed record RateLimitConfig(TokenBucketConfig? PerClient, TokenBucketConfig? Route, int ClientSlots);

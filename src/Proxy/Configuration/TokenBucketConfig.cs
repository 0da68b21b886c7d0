namespace FastLb.Proxy.Configuration;

/// <summary>A validated token bucket: <paramref name="Rate"/> tokens a second (positive), at most <paramref name="Burst"/> (at least 1) held.</summary>
internal sealed record TokenBucketConfig(double Rate, int Burst);

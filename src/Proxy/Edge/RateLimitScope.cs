namespace FastLb.Proxy.Edge;

/// <summary>Which bucket refused a request: the client's or the route's (the <c>scope</c> label of <c>fastlb_rate_limited_total</c>).</summary>
internal enum RateLimitScope
{
    /// <summary>The bucket of the client's address.</summary>
    Client,

    /// <summary>The bucket the whole route shares.</summary>
    Route,
}

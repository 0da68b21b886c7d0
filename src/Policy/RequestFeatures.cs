namespace FastLb.Policy;

/// <summary>What is known about a request when a backend is picked for it.</summary>
/// <remarks>A plain struct passed by <c>in</c>: building one costs nothing on the hot path.</remarks>
public struct RequestFeatures
{
    /// <summary>Features of a request with nothing known about it.</summary>
    public static RequestFeatures Empty => new() { RouteId = -1, RequestBytes = -1, ExcludeIndex = -1, PickedIndex = -1 };

    /// <summary>When the request head was parsed, from <see cref="TimeProvider.GetTimestamp"/> of the pool's <see cref="PolicyContext.Time"/>; 0 when unknown.</summary>
    /// <remarks>Time-aware policies take it as "now" for the pick, and it plus the latency as "now" for the report, instead of reading the clock twice per request.</remarks>
    public long Timestamp;

    /// <summary>Index of the matched route in <see cref="PolicyContext.Routes"/>, or -1.</summary>
    public int RouteId;

    /// <summary>The request method.</summary>
    public RequestMethod Method;

    /// <summary>Request body bytes when framed by Content-Length, else -1.</summary>
    public long RequestBytes;

    /// <summary>Affinity key for hashing policies (client address, header or cookie hash); 0 when none.</summary>
    public ulong HashKey;

    /// <summary>Requests in flight in the whole pool when the pick is made; filled by <see cref="Balancer"/>.</summary>
    public int PoolInFlight;

    /// <summary>Index of a backend that must not be picked (one that just failed a connect), or -1.</summary>
    public int ExcludeIndex;

    /// <summary>Index of the backend picked for the request, or -1; filled by <see cref="Balancer"/> so a policy's report finds its per-backend state without a scan.</summary>
    public int PickedIndex;
}

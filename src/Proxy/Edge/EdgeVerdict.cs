namespace FastLb.Proxy.Edge;

/// <summary>What a route's edge checks decided: go on, or the status to answer with and its extra header lines.</summary>
internal readonly struct EdgeVerdict
{
    private EdgeVerdict(int status, int retryAfterSeconds, byte[]? fields)
    {
        Status = status;
        RetryAfterSeconds = retryAfterSeconds;
        Fields = fields;
    }

    /// <summary>The request may go on.</summary>
    public static EdgeVerdict Pass => default;

    /// <summary>0 to go on; else 401, 403 or 429.</summary>
    public int Status { get; }

    /// <summary>For 429: the <c>Retry-After</c> seconds.</summary>
    public int RetryAfterSeconds { get; }

    /// <summary>For 401 and 403: the <c>WWW-Authenticate</c> line, with its CRLF.</summary>
    public byte[]? Fields { get; }

    /// <summary>True when the request may go on.</summary>
    public bool IsPass => Status == 0;

    /// <summary>429 with <c>Retry-After: <paramref name="seconds"/></c>.</summary>
    public static EdgeVerdict RateLimited(int seconds) => new(429, seconds, null);

    /// <summary>401 or 403 with the challenge line <paramref name="challenge"/>.</summary>
    public static EdgeVerdict Unauthorized(int status, byte[] challenge) => new(status, 0, challenge);
}

namespace FastLb.Policy;

/// <summary>How a request ended on the backend it was sent to.</summary>
public readonly struct RequestOutcome
{
    /// <summary>Creates an outcome.</summary>
    public RequestOutcome(double latencyMs, double ttfbMs, int status, OutcomeError error)
    {
        LatencyMs = latencyMs;
        TtfbMs = ttfbMs;
        Status = status;
        Error = error;
    }

    /// <summary>From the pick to the last response byte.</summary>
    public double LatencyMs { get; }

    /// <summary>From the pick to the first response byte; equal to <see cref="LatencyMs"/> when unknown.</summary>
    public double TtfbMs { get; }

    /// <summary>Response status, 0 when none came back.</summary>
    public int Status { get; }

    /// <summary>Transport or protocol failure, <see cref="OutcomeError.None"/> when a response came back.</summary>
    public OutcomeError Error { get; }

    /// <summary>True when the backend failed the request: a transport error or a 5xx status.</summary>
    public bool IsFailure => Error != OutcomeError.None || Status >= 500;
}

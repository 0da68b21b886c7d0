namespace FastLb.Simulation;

/// <summary>A change to one backend over a time window: another mean, refused connections, or an error rate.</summary>
internal sealed class ScheduleEntrySpec
{
    /// <summary>Index of the backend (b0 is 0).</summary>
    public int Backend { get; init; }

    /// <summary>Start of the window, seconds after the warm-up.</summary>
    public double FromS { get; init; }

    /// <summary>End of the window, seconds after the warm-up.</summary>
    public double ToS { get; init; }

    /// <summary>Mean service time during the window (the distribution is scaled).</summary>
    public double? MeanMs { get; init; }

    /// <summary>When true, connections are refused during the window.</summary>
    public bool Refuse { get; init; }

    /// <summary>Fraction of requests answered with <see cref="ErrorStatus"/> during the window.</summary>
    public double? ErrorRate { get; init; }

    /// <summary>The status of those answers.</summary>
    public int ErrorStatus { get; init; } = 503;
}

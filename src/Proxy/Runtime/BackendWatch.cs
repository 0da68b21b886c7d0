namespace FastLb.Proxy.Runtime;

/// <summary>What the proxy keeps for one backend off the request path: its latency-outlier ejection and slow-start ramp (the passive monitor), and its run of health-check results (the health checker).</summary>
/// <remarks>Each value has one writer at a time (the monitor's tick, or the pool's check loop); <c>/status</c> reads them.</remarks>
internal sealed class BackendWatch
{
    /// <summary>When the backend's latency first went above the outlier threshold (a timestamp), 0 when it is not above.</summary>
    public long SlowSince { get; set; }

    /// <summary>When the current ejection ends (a timestamp), 0 when not ejected.</summary>
    public long EjectedUntil { get; set; }

    /// <summary>Ejections in a row; each doubles the next one's length. Reset after a quiet period.</summary>
    public int Streak { get; set; }

    /// <summary>When the last ejection ended (a timestamp).</summary>
    public long LastEjectionEnded { get; set; }

    /// <summary>Ejections since start.</summary>
    public long Ejections { get; set; }

    /// <summary>When the slow-start ramp began (a timestamp), 0 when not ramping.</summary>
    public long RampStart { get; set; }

    /// <summary>Whether the backend was in rotation at the last tick; a change from out to in starts the ramp.</summary>
    public bool WasIn { get; set; } = true;

    /// <summary>Active health checks failed in a row (written by the health checker only).</summary>
    public int FailedChecks { get; set; }

    /// <summary>Active health checks passed in a row (written by the health checker only).</summary>
    public int PassedChecks { get; set; }

    /// <summary>True while ejected.</summary>
    public bool IsEjected => EjectedUntil != 0;
}

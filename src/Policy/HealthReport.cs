namespace FastLb.Policy;

/// <summary>A backend's last answer to <c>GET /health</c> (docs/FORMATS.md, "Backend health report"), immutable once published.</summary>
/// <param name="Status">healthy, degraded or unhealthy.</param>
/// <param name="CpuPercent">CPU use in percent, -1 when unknown.</param>
/// <param name="ActiveRequests">Requests the backend is serving, -1 when unknown.</param>
/// <param name="AvgResponseMs">The backend's own average response time, -1 when unknown.</param>
/// <param name="Timestamp">When it was received, from <see cref="TimeProvider.GetTimestamp"/>.</param>
public sealed record HealthReport(HealthStatus Status, double CpuPercent, int ActiveRequests, double AvgResponseMs, long Timestamp)
{
    /// <summary>Nothing known yet.</summary>
    public static HealthReport Unknown { get; } = new(HealthStatus.Unknown, -1, -1, -1, 0);
}

/// <summary>The status field of a health report.</summary>
public enum HealthStatus : byte
{
    Unknown = 0,
    Healthy,
    Degraded,
    Unhealthy,
}

using System.Runtime.CompilerServices;

namespace FastLb.Policy.Learning;

/// <summary>Discretises load with the thresholds of the original Q-learner design: CPU 50 / 80 %, active requests 5 / 10, response time 100 / 200 ms.</summary>
/// <remarks>
/// A backend's level is the highest of its signals. Each signal comes from the last health report
/// when the backend reported it, else from what the balancer sees: in-flight for active requests,
/// <see cref="BackendState.EwmaLatencyMs"/> for response time (CPU has no stand-in).
/// </remarks>
public static class LoadLevels
{
    /// <summary>CPU percent at which a backend is medium.</summary>
    public const double CpuMedium = 50;

    /// <summary>CPU percent at which a backend is high.</summary>
    public const double CpuHigh = 80;

    /// <summary>Active requests at which a backend is medium.</summary>
    public const int ActiveMedium = 5;

    /// <summary>Active requests at which a backend is high.</summary>
    public const int ActiveHigh = 10;

    /// <summary>Response time in ms at which a backend is medium.</summary>
    public const double ResponseMedium = 100;

    /// <summary>Response time in ms at which a backend is high.</summary>
    public const double ResponseHigh = 200;

    /// <summary>Number of levels.</summary>
    public const int Count = 3;

    /// <summary>The level of <paramref name="backend"/> now.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static LoadLevel Of(BackendState backend)
    {
        HealthReport health = backend.Health;
        int active = health.ActiveRequests >= 0 ? health.ActiveRequests : backend.InFlight;
        double response = health.AvgResponseMs >= 0 ? health.AvgResponseMs : backend.EwmaLatencyMs;
        int level = Math.Max(Of(active, ActiveMedium, ActiveHigh), Of(response, ResponseMedium, ResponseHigh));
        if (health.CpuPercent >= 0)
        {
            level = Math.Max(level, Of(health.CpuPercent, CpuMedium, CpuHigh));
        }

        return (LoadLevel)level;
    }

    /// <summary>The pool's level: its mean in-flight per backend against the active-request thresholds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static LoadLevel OfPool(int poolInFlight, int backendCount)
        => (LoadLevel)Of(backendCount > 0 ? (double)Math.Max(poolInFlight, 0) / backendCount : 0, ActiveMedium, ActiveHigh);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Of(double value, double medium, double high) => value >= high ? 2 : value >= medium ? 1 : 0;
}

using FastLb.Policy.Selection;

namespace FastLb.Policy.Baselines;

/// <summary><c>resource_based</c>: the available backend with the lowest load from its last health report.</summary>
/// <remarks>
/// Load = CPU / 100 + max(reported active requests, our in-flight) / <see cref="ActiveScale"/>, plus
/// <see cref="DegradedPenalty"/> when degraded and <see cref="UnhealthyPenalty"/> when unhealthy. A
/// backend whose CPU is unknown counts the mean CPU of those that reported (so it is neither
/// shunned nor flooded; recomputed every <see cref="MeanPeriod"/> picks, so a pick is one pass), and unknown active requests count our in-flight; with nothing reported
/// anywhere the load is in-flight / scale, i.e. least connections. Taking the larger of the
/// reported and the live count keeps the stale report (one per health interval) from herding
/// every request onto the backend that looked idle a second ago. Ties go to the first found from
/// a rotating start.
/// </remarks>
public sealed class ResourceBasedPolicy : IRoutingPolicy
{
    /// <summary>Active requests that weigh as much as 100 % CPU: the "high" level of DESIGN.md.</summary>
    public const double ActiveScale = 10;

    /// <summary>Added to a degraded backend's load.</summary>
    public const double DegradedPenalty = 0.5;

    /// <summary>Added to an unhealthy backend's load: used only when nothing else is left.</summary>
    public const double UnhealthyPenalty = 100;

    /// <summary>Picks between recomputations of the mean reported CPU (reports arrive about once a second).</summary>
    public const int MeanPeriod = 64;

    private readonly TurnCounter _turns = new();
    private double _meanCpu;

    /// <inheritdoc />
    public string Name => PolicyNames.ResourceBased;

    /// <inheritdoc />
    // Hot path: guarded by PolicyBenchmarks.
    public int Pick(ReadOnlySpan<BackendState> backends, in RequestFeatures request)
    {
        int count = backends.Length;
        if (count == 0)
        {
            return -1;
        }

        uint ticket = _turns.Next();
        if ((ticket & (MeanPeriod - 1)) == 0)
        {
            UpdateMeanCpu(backends);
        }

        double unknownCpu = Volatile.Read(ref _meanCpu);
        int start = (int)(ticket % (uint)count);
        int best = -1;
        double bestLoad = double.MaxValue;
        for (int i = 0; i < count; i++)
        {
            int index = start + i;
            if (index >= count)
            {
                index -= count;
            }

            BackendState backend = backends[index];
            if (index == request.ExcludeIndex || !backend.IsAvailable)
            {
                continue;
            }

            double load = Load(backend, unknownCpu);
            if (load < bestLoad)
            {
                best = index;
                bestLoad = load;
            }
        }

        return best;
    }

    /// <inheritdoc />
    public void Report(BackendState backend, in RequestFeatures request, in RequestOutcome outcome)
    {
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void UpdateMeanCpu(ReadOnlySpan<BackendState> backends)
    {
        // Racing recomputations write values from the same reports: last one wins, both are right.
        double sum = 0;
        int known = 0;
        for (int i = 0; i < backends.Length; i++)
        {
            double cpu = backends[i].Health.CpuPercent;
            if (cpu >= 0)
            {
                sum += cpu;
                known++;
            }
        }

        Volatile.Write(ref _meanCpu, known > 0 ? sum / known : 0);
    }

    /// <summary>The load score of one backend (lower is better).</summary>
    internal static double Load(BackendState backend, double unknownCpu)
    {
        HealthReport health = backend.Health;
        double cpu = health.CpuPercent >= 0 ? health.CpuPercent : unknownCpu;
        int active = Math.Max(health.ActiveRequests, backend.InFlight);
        double load = (cpu / 100) + (active / ActiveScale);
        return health.Status switch
        {
            HealthStatus.Degraded => load + DegradedPenalty,
            HealthStatus.Unhealthy => load + UnhealthyPenalty,
            _ => load,
        };
    }
}

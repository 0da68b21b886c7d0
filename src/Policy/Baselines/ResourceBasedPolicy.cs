using System.Runtime.CompilerServices;
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
    /// <summary>Active requests that weigh as much as 100 % CPU: the "high" level of <see cref="FastLb.Policy.Learning.LoadLevels"/>.</summary>
    public const double ActiveScale = 10;

    /// <summary>Added to a degraded backend's load.</summary>
    public const double DegradedPenalty = 0.5;

    /// <summary>Added to an unhealthy backend's load: used only when nothing else is left.</summary>
    public const double UnhealthyPenalty = 100;

    /// <summary>Picks between recomputations of the mean reported CPU (reports arrive about once a second).</summary>
    public const int MeanPeriod = 64;

    /// <summary>Active counts whose load (active / <see cref="ActiveScale"/>) is read from a table rather than divided.</summary>
    private const int ActiveTableSize = 1024;

    // Immutable after the type initialiser: active / ActiveScale for 0..ActiveTableSize - 1, the
    // very quotients a division would give (so loads and ties are bit for bit what they were).
    private static readonly double[] s_activeLoad = BuildActiveLoad();

    private readonly TurnCounter _turns = new();
    private double _meanCpuFraction;

    /// <inheritdoc />
    public string Name => PolicyNames.ResourceBased;

    /// <inheritdoc />
    // Hot path: guarded by PolicyBenchmarks. No division per backend: CPU / 100 comes precomputed
    // with the health report (BackendState.CpuFraction), the mean's once per MeanPeriod picks, and
    // active / scale from a table; the wrapping scan is two loops over slices.
    public int Pick(ReadOnlySpan<BackendState> backends, in RequestFeatures request, ref PickNote note)
    {
        int count = backends.Length;
        if (count == 0)
        {
            return IRoutingPolicy.NoBackend;
        }

        uint ticket = _turns.Next();
        if ((ticket & (MeanPeriod - 1)) == 0)
        {
            UpdateMeanCpu(backends);
        }

        double unknownCpu = Volatile.Read(ref _meanCpuFraction);
        int start = (int)(ticket % (uint)count);
        return CheapestScan.Find<LoadCost, double>(backends, start, request.ExcludeIndex, new LoadCost(unknownCpu));
    }

    /// <inheritdoc />
    public void Report(BackendState backend, in RequestFeatures request, in PickNote note, in RequestOutcome outcome)
    {
    }

    /// <summary>The load score of one backend (lower is better); <paramref name="unknownCpuFraction"/> stands for a CPU that was not reported, as a fraction.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Load(BackendState backend, double unknownCpuFraction)
    {
        double cpu = backend.CpuFraction;
        if (cpu < 0)
        {
            cpu = unknownCpuFraction;
        }

        int active = Math.Max(backend.ReportedActive, backend.InFlight);
        double load = cpu + ((uint)active < ActiveTableSize ? s_activeLoad[active] : active / ActiveScale);
        return backend.ReportedStatus switch
        {
            HealthStatus.Degraded => load + DegradedPenalty,
            HealthStatus.Unhealthy => load + UnhealthyPenalty,
            _ => load,
        };
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
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

        double mean = known > 0 ? sum / known : 0;
        Volatile.Write(ref _meanCpuFraction, mean / 100);
    }

    private static double[] BuildActiveLoad()
    {
        var table = new double[ActiveTableSize];
        for (int active = 0; active < table.Length; active++)
        {
            table[active] = active / ActiveScale;
        }

        return table;
    }

    /// <summary>The <see cref="Load"/> of a backend, with <c>unknownCpu</c> for one that reported no CPU.</summary>
    private readonly struct LoadCost(double unknownCpu) : IBackendCost<double>
    {
        public double Of(BackendState backend) => Load(backend, unknownCpu);
    }
}

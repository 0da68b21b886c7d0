namespace FastLb.Simulation;

/// <summary>Results for one watched window (<see cref="WatchSpec"/>): divert and recovery times per seed and the window's latencies.</summary>
internal sealed class WatchResult
{
    /// <summary>Creates an empty result for a window.</summary>
    public WatchResult(int backend, string backendId, double fromS, double toS, double divertShare, double recoverShare)
    {
        Backend = backend;
        BackendId = backendId;
        FromS = fromS;
        ToS = toS;
        DivertShare = divertShare;
        RecoverShare = recoverShare;
    }

    /// <summary>Index of the watched backend.</summary>
    public int Backend { get; }

    /// <summary>Its id.</summary>
    public string BackendId { get; }

    /// <summary>Onset, seconds after the warm-up.</summary>
    public double FromS { get; }

    /// <summary>End of the impairment, seconds after the warm-up.</summary>
    public double ToS { get; }

    /// <summary>The share of picks under which it counts as diverted from.</summary>
    public double DivertShare { get; }

    /// <summary>The share of picks at which it counts as recovered.</summary>
    public double RecoverShare { get; }

    /// <summary>Divert time per seed, seconds; null where it never happened before the window ended (or the run stopped).</summary>
    public List<double?> DivertS { get; } = [];

    /// <summary>Recovery time per seed, seconds; null where it never happened before the run ended.</summary>
    public List<double?> RecoveryS { get; } = [];

    /// <summary>The backend's share of picks inside the window, per seed.</summary>
    public List<double> WindowShare { get; } = [];

    /// <summary>Mean of <see cref="WindowShare"/>; 0 when none.</summary>
    public double MeanWindowShare => WindowShare.Count == 0 ? 0 : WindowShare.Average();

    /// <summary>Latencies of measured requests that arrived inside the window.</summary>
    public LatencyHistogram Window { get; } = new();

    /// <summary>Mean of <see cref="DivertS"/>; null when any seed never diverted.</summary>
    public double? MeanDivertS => MeanOrNull(DivertS);

    /// <summary>Mean of <see cref="RecoveryS"/>; null when any seed never recovered.</summary>
    public double? MeanRecoveryS => MeanOrNull(RecoveryS);

    /// <summary>Adds another seed's run of the same window.</summary>
    public void Add(WatchResult other)
    {
        DivertS.AddRange(other.DivertS);
        RecoveryS.AddRange(other.RecoveryS);
        WindowShare.AddRange(other.WindowShare);
        Window.Add(other.Window);
    }

    private static double? MeanOrNull(List<double?> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        double sum = 0;
        foreach (double? value in values)
        {
            if (value is not { } v)
            {
                return null;
            }

            sum += v;
        }

        return sum / values.Count;
    }
}

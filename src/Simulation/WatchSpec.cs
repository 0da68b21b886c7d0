namespace FastLb.Simulation;

/// <summary>A window in which one backend is impaired: divert and recovery times and in-window percentiles are measured for it.</summary>
/// <remarks>
/// Divert time: from <see cref="FromS"/> to the end of the first 1 s window (sliding by 100 ms,
/// starting at or after <see cref="FromS"/>) in which the backend's share of picks is under
/// <see cref="DivertShare"/>. Recovery time: from <see cref="ToS"/> to the end of the first such
/// window starting at or after <see cref="ToS"/> in which its share is at least <see cref="RecoverShare"/>.
/// </remarks>
internal sealed class WatchSpec
{
    /// <summary>Index of the backend.</summary>
    public int Backend { get; init; }

    /// <summary>Onset, seconds after the warm-up.</summary>
    public double FromS { get; init; }

    /// <summary>When the impairment ends, seconds after the warm-up.</summary>
    public double ToS { get; init; }

    /// <summary>Share of picks under which the backend counts as diverted from; default 1.5 x its capacity share at onset (0.1 x its nominal share when it has no capacity then).</summary>
    public double? DivertShare { get; init; }

    /// <summary>Share of picks at which the backend counts as recovered; default 0.8 x its nominal capacity share.</summary>
    public double? RecoverShare { get; init; }
}

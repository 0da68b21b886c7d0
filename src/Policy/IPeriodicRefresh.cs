namespace FastLb.Policy;

/// <summary>A capability: the policy has work to redo periodically off the request path (fastlb rebuilds its prediction table from the model).</summary>
/// <remarks>A host that builds the policy with <see cref="PolicyContext.HostRefreshes"/> calls
/// <see cref="Refresh"/> from its own timer every <see cref="RefreshInterval"/>, and the policy then
/// does none of that work on a request's path; otherwise the policy refreshes from its reports, on
/// <see cref="PolicyContext.Time"/>, which keeps the simulator deterministic.</remarks>
public interface IPeriodicRefresh
{
    /// <summary>How often the work should be redone.</summary>
    TimeSpan RefreshInterval { get; }

    /// <summary>Redoes the work now; safe from any thread, and a call racing another returns without doing it twice.</summary>
    void Refresh();
}

using FastLb.Policy;

namespace FastLb.Simulation;

/// <summary>Runs a scenario for one policy over consecutive seeds and merges the runs into one result.</summary>
internal static class ScenarioRunner
{
    /// <summary>Runs seeds <paramref name="firstSeed"/> .. + <paramref name="seeds"/> - 1 of <paramref name="scenario"/> with policies made by <paramref name="createPolicy"/>.</summary>
    /// <param name="scenario">The scenario.</param>
    /// <param name="createPolicy">Makes a fresh policy per balancer and seed.</param>
    /// <param name="firstSeed">The first seed.</param>
    /// <param name="seeds">How many seeds, at least 1.</param>
    /// <param name="template">Length, log and pool name; its seed and progress are replaced.</param>
    /// <param name="progress">Told the fraction done over all seeds.</param>
    public static SimulationResult Run(Scenario scenario, Func<PolicyContext, IRoutingPolicy> createPolicy, ulong firstSeed, int seeds, SimulationOptions template, Action<double>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(seeds, 1);
        SimulationResult? merged = null;
        for (int i = 0; i < seeds; i++)
        {
            int done = i;
            var options = new SimulationOptions
            {
                Seed = firstSeed + (ulong)i,
                MaxRequests = template.MaxRequests,
                DurationS = template.DurationS,
                WarmupS = template.WarmupS,
                Log = template.Log,
                PoolName = template.PoolName,
                Progress = progress is null ? null : f => progress((done + f) / seeds),
            };
            SimulationResult result = new Simulator(scenario, createPolicy, options).Run();
            if (merged is null)
            {
                merged = result;
            }
            else
            {
                merged.Add(result);
            }
        }

        return merged!;
    }
}

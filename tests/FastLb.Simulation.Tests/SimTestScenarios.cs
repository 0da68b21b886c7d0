using FastLb.Policy;
using FastLb.Policy.Catalog;

namespace FastLb.Simulation.Tests;

/// <summary>Builds scenarios for tests from JSON and finds the repository's scenario files.</summary>
internal static class SimTestScenarios
{
    public static Scenario Parse(string json) => ScenarioLoader.Parse(json, "test", "test.json");

    /// <summary>One group of <paramref name="count"/> backends with <paramref name="slots"/> slots, Poisson arrivals at <paramref name="load"/>.</summary>
    public static Scenario Poisson(int count, int slots, string distribution, double meanMs, double load, double warmupS, double durationS, string extra = "") =>
        Parse($$"""
        {
          "id": "T", "name": "test", "warmupS": {{warmupS}}, "durationS": {{durationS}}, {{extra}}
          "backends": [ { "count": {{count}}, "slots": {{slots}}, "service": { "distribution": "{{distribution}}", "meanMs": {{meanMs}} } } ],
          "arrivals": { "process": "poisson", "load": {{load}} }
        }
        """);

    /// <summary>The repository's scenarios folder, found by walking up from the test binaries.</summary>
    public static string Folder()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "scenarios");
            if (File.Exists(Path.Combine(candidate, "S1-homogeneous.json")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("scenarios/ not found above " + AppContext.BaseDirectory);
    }

    public static Scenario Load(string name) => ScenarioLoader.Load(ScenarioCatalog.Resolve(Folder(), name)!);

    public static Func<PolicyContext, IRoutingPolicy> Policy(string name) => context =>
        PolicyFactory.TryCreate(name, context, out IRoutingPolicy? policy, out string? error) ? policy! : throw new InvalidOperationException(error);
}

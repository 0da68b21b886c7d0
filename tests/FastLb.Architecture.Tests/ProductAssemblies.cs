using System.Reflection;

namespace FastLb.Architecture.Tests;

/// <summary>The FastLb assemblies under check, loaded by name from the test's output folder.</summary>
internal static class ProductAssemblies
{
    /// <summary>The routing core.</summary>
    public const string Policy = "FastLb.Policy";

    /// <summary>The request-log record and its schema.</summary>
    public const string RequestLog = "FastLb.RequestLog";

    /// <summary>Model training.</summary>
    public const string Training = "FastLb.Training";

    /// <summary>The simulator.</summary>
    public const string Simulation = "FastLb.Simulation";

    /// <summary>The proxy library.</summary>
    public const string Proxy = "FastLb.Proxy";

    /// <summary>The demo backends.</summary>
    public const string Backends = "FastLb.Backends";

    /// <summary>The HTTP load generator (fastlb load, the demo's traffic).</summary>
    public const string LoadGenerator = "FastLb.Load";

    /// <summary>The command line (the only assembly allowed to reference all the others).</summary>
    public const string Cli = "fastlb";

    /// <summary>Every product assembly name, core first.</summary>
    public static readonly string[] Names = [Policy, RequestLog, Training, Simulation, Proxy, Backends, LoadGenerator, Cli];

    /// <summary>Whether <paramref name="name"/> is a FastLb product assembly (known or not yet known).</summary>
    public static bool IsFastLb(string? name) =>
        name is not null && (name == Cli || name.StartsWith("FastLb.", StringComparison.Ordinal));

    /// <summary>Loads the assembly called <paramref name="name"/>.</summary>
    public static Assembly Load(string name) => Assembly.Load(new AssemblyName(name));

    /// <summary>The names as xunit theory data, one row per assembly.</summary>
    public static TheoryData<string> AsTheoryData()
    {
        var data = new TheoryData<string>();
        foreach (var name in Names)
            data.Add(name);
        return data;
    }
}

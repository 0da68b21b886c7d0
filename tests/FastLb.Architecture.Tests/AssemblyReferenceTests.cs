namespace FastLb.Architecture.Tests;

/// <summary>The FastLb assemblies reference each other one way: core first, the CLI last.</summary>
public sealed class AssemblyReferenceTests
{
    // Which FastLb assemblies each one may reference. An assembly only references what its code
    // uses, so an allowed reference may be absent; a reference not listed here fails.
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        [ProductAssemblies.Policy] = [],
        [ProductAssemblies.RequestLog] = [ProductAssemblies.Policy],
        [ProductAssemblies.Training] = [ProductAssemblies.Policy, ProductAssemblies.RequestLog],
        [ProductAssemblies.Simulation] = [ProductAssemblies.Policy, ProductAssemblies.RequestLog],
        [ProductAssemblies.Proxy] = [ProductAssemblies.Policy, ProductAssemblies.RequestLog],
        [ProductAssemblies.Backends] = [],
        [ProductAssemblies.LoadGenerator] = [],
        [ProductAssemblies.Cli] = [ProductAssemblies.Policy, ProductAssemblies.RequestLog, ProductAssemblies.Training,
            ProductAssemblies.Simulation, ProductAssemblies.Proxy, ProductAssemblies.Backends, ProductAssemblies.LoadGenerator],
    };

    /// <summary>Each assembly references only the FastLb assemblies below it, and none that the rules do not know.</summary>
    [Fact]
    public void Assembly_References_PointOneWay()
    {
        var violations = new List<string>();
        foreach (var name in ProductAssemblies.Names)
        {
            var assembly = ProductAssemblies.Load(name);
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                if (!ProductAssemblies.IsFastLb(reference.Name))
                    continue;
                if (!Allowed.ContainsKey(reference.Name!))
                    violations.Add($"{name} references {reference.Name}, which these rules do not know: add it to {nameof(AssemblyReferenceTests)}.{nameof(Allowed)} and {nameof(ProductAssemblies)}.");
                else if (!Allowed[name].Contains(reference.Name))
                    violations.Add($"{name} references {reference.Name}; it may reference only [{string.Join(", ", Allowed[name])}].");
            }
        }
        Assert.True(violations.Count == 0, "Assembly references that break the layering:\n" + string.Join("\n", violations));
    }

    /// <summary>ML.NET trains the latency model and stays in training: the request path serves the exported trees with its own evaluator.</summary>
    [Theory]
    [InlineData(ProductAssemblies.Policy)]
    [InlineData(ProductAssemblies.RequestLog)]
    [InlineData(ProductAssemblies.Simulation)]
    [InlineData(ProductAssemblies.Proxy)]
    public void RequestPath_ReferencesNoMlNet(string name)
    {
        var mlNet = ProductAssemblies.Load(name).GetReferencedAssemblies()
            .Where(reference => reference.Name is not null && reference.Name.StartsWith("Microsoft.ML", StringComparison.Ordinal))
            .Select(reference => reference.Name)
            .ToList();

        Assert.True(mlNet.Count == 0, $"{name} references {string.Join(", ", mlNet)}");
    }

    /// <summary>The training assembly is where ML.NET is, so the check above looks at the right names.</summary>
    [Fact]
    public void Training_ReferencesMlNetFastTree()
    {
        Assert.Contains(
            ProductAssemblies.Load(ProductAssemblies.Training).GetReferencedAssemblies(),
            reference => reference.Name == "Microsoft.ML.FastTree");
    }

    /// <summary>The rules cover exactly the product assemblies, so a new project cannot slip past them.</summary>
    [Fact]
    public void AssemblyRules_CoverEveryProductAssembly_Exactly()
    {
        Assert.Equal(ProductAssemblies.Names.Order(), Allowed.Keys.Order());
    }
}

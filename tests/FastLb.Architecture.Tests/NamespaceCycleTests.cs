using System.Text;

namespace FastLb.Architecture.Tests;

/// <summary>No namespace cycles inside a FastLb assembly, counting signatures and method bodies.</summary>
public sealed class NamespaceCycleTests
{
    /// <summary>The product assemblies, one theory row each.</summary>
    public static TheoryData<string> Assemblies => ProductAssemblies.AsTheoryData();

    /// <summary>The namespaces of <paramref name="assemblyName"/> depend on each other without a cycle.</summary>
    [Theory]
    [MemberData(nameof(Assemblies))]
    public void Namespaces_InEachAssembly_HaveNoCycles(string assemblyName)
    {
        var graph = NamespaceGraph.Of(ProductAssemblies.Load(assemblyName));
        var cycles = graph.Cycles();
        Assert.True(cycles.Count == 0, Describe(assemblyName, cycles));
    }

    /// <summary>The failure message: each cycle's namespaces and, per edge inside it, one use to remove.</summary>
    internal static string Describe(string assemblyName, IReadOnlyList<(IReadOnlyList<string> Namespaces, IReadOnlyList<NamespaceEdge> Edges)> cycles)
    {
        var text = new StringBuilder($"{assemblyName}: {cycles.Count} namespace cycle(s). Break one edge of each:\n");
        foreach (var (namespaces, edges) in cycles)
        {
            text.Append("  cycle among ").AppendJoin(", ", namespaces).Append('\n');
            foreach (var edge in edges)
                text.Append("    ").Append(edge.From).Append(" -> ").Append(edge.To).Append(": ").Append(edge.Example).Append('\n');
        }
        return text.ToString();
    }
}

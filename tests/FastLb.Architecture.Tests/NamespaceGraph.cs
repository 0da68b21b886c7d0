using System.Reflection;

namespace FastLb.Architecture.Tests;

/// <summary>The namespace dependency graph of one assembly: namespace to the FastLb namespaces its types use.</summary>
/// <remarks>
/// A nested type (closure, lambda cache, async state machine) counts as its outermost type, so the
/// code in a lambda belongs to the namespace the lambda was written in. Only namespaces that start
/// with "FastLb." are nodes; a namespace's use of itself is not an edge.
/// </remarks>
internal sealed class NamespaceGraph
{
    private readonly Dictionary<(string From, string To), NamespaceEdge> _edges = new();

    /// <summary>Every edge, one per namespace pair.</summary>
    public IReadOnlyCollection<NamespaceEdge> Edges => _edges.Values;

    /// <summary>Builds the graph of <paramref name="assembly"/> from its signatures and IL.</summary>
    public static NamespaceGraph Of(Assembly assembly)
    {
        var graph = new NamespaceGraph();
        // sorted, so that the example chosen for an edge is the same on every run
        foreach (var type in TypeUseCollector.TypesOf(assembly).OrderBy(t => t.FullName, StringComparer.Ordinal))
            foreach (var use in TypeUseCollector.UsesOf(type))
                graph.Add(use);
        return graph;
    }

    /// <summary>The namespace a type counts for: its outermost declaring type's namespace.</summary>
    public static string? NamespaceOf(Type type) => TypeUseCollector.Outermost(type).Namespace;

    /// <summary>Adds the edge that <paramref name="use"/> makes, if it crosses FastLb namespaces and is new.</summary>
    public void Add(TypeUse use)
    {
        var from = NamespaceOf(use.User);
        var to = NamespaceOf(use.Used);
        if (from is null || to is null || from == to || !IsFastLb(from) || !IsFastLb(to) || _edges.ContainsKey((from, to)))
            return;
        var outer = TypeUseCollector.Outermost(use.User);
        // a use inside a closure or state machine names the nested type too, so the member can be found
        var nested = outer == use.User ? "" : $" of nested {use.User.Name}";
        var used = TypeUseCollector.Outermost(use.Used).FullName;
        _edges[(from, to)] = new NamespaceEdge(from, to, $"{outer.FullName} ({use.Where}{nested}) uses {used}");
    }

    /// <summary>The groups of two or more namespaces that depend on each other, each with the edges inside it.</summary>
    public IReadOnlyList<(IReadOnlyList<string> Namespaces, IReadOnlyList<NamespaceEdge> Edges)> Cycles()
    {
        var successors = _edges.Values
            .GroupBy(e => e.From)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(e => e.To).Order(StringComparer.Ordinal).ToList());
        var nodes = _edges.Keys.SelectMany(k => new[] { k.From, k.To }).Distinct().Order(StringComparer.Ordinal);
        var result = new List<(IReadOnlyList<string>, IReadOnlyList<NamespaceEdge>)>();
        foreach (var component in StronglyConnected.Components(nodes, n => successors.GetValueOrDefault(n, [])))
        {
            if (component.Count < 2)
                continue;
            var members = component.ToHashSet();
            var inside = _edges.Values
                .Where(e => members.Contains(e.From) && members.Contains(e.To))
                .OrderBy(e => e.From, StringComparer.Ordinal).ThenBy(e => e.To, StringComparer.Ordinal)
                .ToList();
            result.Add((component.Order(StringComparer.Ordinal).ToList(), inside));
        }
        return result;
    }

    private static bool IsFastLb(string ns) => ns.StartsWith("FastLb.", StringComparison.Ordinal);
}

namespace FastLb.Architecture.Tests;

/// <summary>The cycle finder itself, on small synthetic graphs, so a passing cycle check means something.</summary>
public sealed class StronglyConnectedTests
{
    private static List<List<string>> Components(params (string From, string To)[] edges)
    {
        var successors = edges.GroupBy(e => e.From).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(e => e.To).ToList());
        var nodes = edges.SelectMany(e => new[] { e.From, e.To }).Distinct();
        return StronglyConnected.Components(nodes, n => successors.GetValueOrDefault(n, []))
            .Select(c => c.Order(StringComparer.Ordinal).ToList())
            .OrderBy(c => c[0], StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>A chain has no cycle: every node is its own component.</summary>
    [Fact]
    public void Components_AcyclicChain_AreSingletons()
    {
        var components = Components(("a", "b"), ("b", "c"), ("a", "c"));
        Assert.Equal([["a"], ["b"], ["c"]], components);
    }

    /// <summary>Two cycles joined one way stay two components; a self-edge stays a singleton.</summary>
    [Fact]
    public void Components_TwoCyclesJoinedOneWay_AreSeparate()
    {
        var components = Components(("a", "b"), ("b", "a"), ("b", "c"), ("c", "d"), ("d", "c"), ("e", "e"), ("d", "e"));
        Assert.Equal([["a", "b"], ["c", "d"], ["e"]], components);
    }

    /// <summary>A three-node loop reached from outside is one component, the outside node another.</summary>
    [Fact]
    public void Components_LoopThroughThree_IsOneComponent()
    {
        var components = Components(("x", "a"), ("a", "b"), ("b", "c"), ("c", "a"));
        Assert.Equal([["a", "b", "c"], ["x"]], components);
    }

    /// <summary>A ring of 100,000 nodes is found without overflowing the stack (the finder is iterative).</summary>
    [Fact]
    public void Components_LongRing_IsOneComponent()
    {
        const int n = 100_000;
        var components = StronglyConnected.Components(Enumerable.Range(0, n), i => [(i + 1) % n]);
        Assert.Single(components);
        Assert.Equal(n, components[0].Count);
    }
}

using System.Net.Http;
using FastLb.Architecture.Tests.Fixtures;
using FastLb.Architecture.Tests.Fixtures.Alpha;

namespace FastLb.Architecture.Tests;

/// <summary>The checks catch what they claim to, shown on fixture types in this assembly (never checked as product code).</summary>
public sealed class CheckerSelfTests
{
    /// <summary>A use only inside a lambda body plus a field back makes a cycle, reported with its example pair.</summary>
    [Fact]
    public void NamespaceGraph_LambdaBodyUseAndFieldBack_ReportsCycle()
    {
        var graph = NamespaceGraph.Of(typeof(AlphaUser).Assembly);

        var cycle = Assert.Single(graph.Cycles(), c => c.Namespaces.Any(n => n.EndsWith(".Fixtures.Alpha", StringComparison.Ordinal)));
        Assert.Equal(["FastLb.Architecture.Tests.Fixtures.Alpha", "FastLb.Architecture.Tests.Fixtures.Beta"], cycle.Namespaces);
        var alphaToBeta = Assert.Single(cycle.Edges, e => e.From.EndsWith(".Alpha", StringComparison.Ordinal));
        // the use is in the compiler's closure class, mapped back to the type it was written in
        Assert.StartsWith(typeof(AlphaUser).FullName + " (", alphaToBeta.Example);
        Assert.Contains("(body) of nested", alphaToBeta.Example);
        Assert.EndsWith("uses FastLb.Architecture.Tests.Fixtures.Beta.BetaThing", alphaToBeta.Example);
    }

    /// <summary>A File call inside an async method (its state machine's MoveNext) is found and counts as file I/O.</summary>
    [Fact]
    public void TypeUseCollector_FileCallInAsyncBody_IsFoundAsFileIo()
    {
        var uses = TypeUseCollector.TypesOf(typeof(FileTouchingFixture).Assembly)
            .Where(t => TypeUseCollector.Outermost(t) == typeof(FileTouchingFixture))
            .SelectMany(TypeUseCollector.UsesOf)
            .ToList();

        var file = Assert.Single(uses, u => u.Used == typeof(File));
        Assert.NotEqual(typeof(FileTouchingFixture), file.User); // found in the nested state machine
        Assert.True(PolicyIoTests.IsFileOrNetwork(file.Used));
    }

    /// <summary>File-system and network types are flagged; in-memory streams and other types are not.</summary>
    [Theory]
    [InlineData(typeof(File), true)]
    [InlineData(typeof(FileStream), true)]
    [InlineData(typeof(Directory), true)]
    [InlineData(typeof(HttpClient), true)]
    [InlineData(typeof(System.Net.Sockets.Socket), true)]
    [InlineData(typeof(Stream), false)]
    [InlineData(typeof(MemoryStream), false)]
    [InlineData(typeof(BinaryReader), false)]
    [InlineData(typeof(string), false)]
    public void IsFileOrNetwork_KnownTypes_Classified(Type type, bool expected)
    {
        Assert.Equal(expected, PolicyIoTests.IsFileOrNetwork(type));
    }
}

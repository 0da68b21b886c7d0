namespace FastLb.Proxy.Tests.Cli;

/// <summary>The demo's process tests run a whole shop, a proxy and a trainer: on a 2-core machine they run alone, after the
/// parallel tests, so that their load does not push other tests' bounded waits past their limits.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DemoCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "demo processes";
}

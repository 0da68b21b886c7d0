using System.Diagnostics.CodeAnalysis;

namespace FastLb.Fuzz;

/// <summary>Every fuzz target, by name.</summary>
/// <remarks>
/// Targets are made on demand, not in a static initializer: instrumented code writes to afl's coverage map, which
/// exists only once SharpFuzz's fork server has started, so nothing instrumented (a parser head's constructor
/// included) may run before <c>Fuzzer.Run</c> calls the target.
/// </remarks>
internal static class FuzzTargets
{
    private static readonly (string Name, Func<IFuzzTarget> Create)[] s_all =
    [
        ("request-head", () => new RequestHeadTarget()),
        ("response-head", () => new ResponseHeadTarget()),
        ("chunked-body", () => new ChunkedBodyTarget()),
        ("config", () => new ConfigTarget()),
        ("request-log", () => new RequestLogTarget()),
    ];

    /// <summary>The target names, as scripts/fuzz.sh takes them and the corpus folders are named.</summary>
    public static IEnumerable<string> Names => s_all.Select(t => t.Name);

    /// <summary>Whether a target is called <paramref name="name"/>.</summary>
    public static bool Exists(string name) => s_all.Any(t => t.Name == name);

    /// <summary>Makes the target called <paramref name="name"/>.</summary>
    public static bool TryCreate(string name, [NotNullWhen(true)] out IFuzzTarget? target)
    {
        target = s_all.FirstOrDefault(t => t.Name == name).Create?.Invoke();
        return target is not null;
    }
}

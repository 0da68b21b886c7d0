namespace FastLb.Architecture.Tests;

/// <summary>The routing core (FastLb.Policy) does no file-system or network I/O: the hot path stays pure.</summary>
public sealed class PolicyIoTests
{
    // System.IO types the core may use: streams, readers and exceptions that work on bytes the
    // caller hands in (a model parser reading a Stream), none of which names a file or a socket.
    private static readonly HashSet<string> InMemoryIoTypes =
    [
        "System.IO.Stream", "System.IO.MemoryStream", "System.IO.UnmanagedMemoryStream", "System.IO.SeekOrigin",
        "System.IO.BinaryReader", "System.IO.BinaryWriter",
        "System.IO.TextReader", "System.IO.TextWriter", "System.IO.StringReader", "System.IO.StringWriter",
        "System.IO.IOException", "System.IO.EndOfStreamException", "System.IO.InvalidDataException",
    ];

    /// <summary>No type in FastLb.Policy uses a file-system type (System.IO beyond in-memory streams) or any System.Net type.</summary>
    [Fact]
    public void PolicyCore_UsesNoFileOrNetworkTypes()
    {
        var offenders = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in TypeUseCollector.TypesOf(ProductAssemblies.Load(ProductAssemblies.Policy)))
        {
            foreach (var use in TypeUseCollector.UsesOf(type))
            {
                if (!IsFileOrNetwork(use.Used))
                    continue;
                offenders.Add($"{TypeUseCollector.Outermost(use.User).FullName} ({use.Where}) uses {use.Used.FullName}");
            }
        }
        Assert.True(offenders.Count == 0,
            "FastLb.Policy uses file-system or network types; take a Stream or the parsed value from the caller instead:\n"
            + string.Join("\n", offenders));
    }

    /// <summary>Whether <paramref name="type"/> touches the file system or the network.</summary>
    internal static bool IsFileOrNetwork(Type type)
    {
        var ns = type.Namespace ?? "";
        if (ns == "System.Net" || ns.StartsWith("System.Net.", StringComparison.Ordinal))
            return true;
        if (ns == "System.IO" || ns.StartsWith("System.IO.", StringComparison.Ordinal))
            return !InMemoryIoTypes.Contains(TypeUseCollector.Outermost(type).FullName!);
        return false;
    }
}

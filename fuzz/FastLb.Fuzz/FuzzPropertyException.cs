namespace FastLb.Fuzz;

/// <summary>A property a fuzz target checks did not hold; afl-fuzz records the input as a crash.</summary>
internal sealed class FuzzPropertyException(string message) : Exception(message)
{
    /// <summary>Throws when <paramref name="condition"/> is false.</summary>
    public static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new FuzzPropertyException(what);
        }
    }

    /// <summary>Throws when the two descriptions differ, showing both.</summary>
    public static void Same(string expected, string actual, string what)
    {
        if (!string.Equals(expected, actual, StringComparison.Ordinal))
        {
            throw new FuzzPropertyException($"{what}:{Environment.NewLine}expected {expected}{Environment.NewLine}actual   {actual}");
        }
    }
}

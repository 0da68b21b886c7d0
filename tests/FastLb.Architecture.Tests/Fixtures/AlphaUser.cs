using FastLb.Architecture.Tests.Fixtures.Beta;

namespace FastLb.Architecture.Tests.Fixtures.Alpha;

/// <summary>Test fixture: uses the Beta namespace only inside a lambda body, which the compiler moves into a nested type.</summary>
public sealed class AlphaUser
{
    /// <summary>Reads a <see cref="BetaThing"/> through a lambda that captures nothing.</summary>
    public int Run()
    {
        Func<int> read = () => new BetaThing().Value;
        return read();
    }
}

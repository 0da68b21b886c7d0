using FastLb.Policy.Selection;

namespace FastLb.Policy.Tests.Selection;

public sealed class DecayTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1e-6)]
    [InlineData(0.005)]
    [InlineData(0.0099)]
    [InlineData(0.01)]
    [InlineData(0.5)]
    [InlineData(30)]
    public void Factor_AnyExponent_MatchesExp(double x)
        => Assert.Equal(Math.Exp(-x), Decay.Factor(x), 6);

    [Fact]
    public void Factor_NegativeExponent_One() => Assert.Equal(1, Decay.Factor(-3));
}

using FastLb.Architecture.Tests.Fixtures.Alpha;

namespace FastLb.Architecture.Tests.Fixtures.Beta;

/// <summary>Test fixture: names Alpha in a field, so Alpha and Beta form a namespace cycle.</summary>
public sealed class BetaThing
{
    /// <summary>The field that makes the Beta -> Alpha edge.</summary>
    public AlphaMarker? Marker;

    /// <summary>A value for the lambda in <see cref="AlphaUser"/> to read.</summary>
    public int Value => 1;
}

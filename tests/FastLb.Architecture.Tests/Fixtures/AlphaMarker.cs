namespace FastLb.Architecture.Tests.Fixtures.Alpha;

/// <summary>Test fixture: a type in Alpha that Beta names in a field, closing the Alpha/Beta cycle.</summary>
public sealed class AlphaMarker;

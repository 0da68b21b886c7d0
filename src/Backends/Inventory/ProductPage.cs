namespace FastLb.Backends.Inventory;

/// <summary>A page of the catalog.</summary>
internal sealed record ProductPage(IReadOnlyList<Product> Items, int Total, int Offset, int Limit);

namespace FastLb.Backends.Inventory;

/// <summary>A catalog product with its stock on hand (reserved units already taken out).</summary>
internal sealed record Product(string Sku, string Name, string Description, string Category, decimal Price, int Stock);

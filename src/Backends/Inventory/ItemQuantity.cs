namespace FastLb.Backends.Inventory;

/// <summary>A product and a quantity, as requested in check, reserve, carts and orders.</summary>
internal sealed record ItemQuantity(string? Sku, int Quantity);

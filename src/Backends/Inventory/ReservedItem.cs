namespace FastLb.Backends.Inventory;

/// <summary>One line of a reservation, priced when reserved.</summary>
internal sealed record ReservedItem(string Sku, int Quantity, decimal UnitPrice);

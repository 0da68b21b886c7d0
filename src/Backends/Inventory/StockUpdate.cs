namespace FastLb.Backends.Inventory;

/// <summary>Body of the admin <c>PUT /api/inventory/products/{sku}/stock</c>.</summary>
internal sealed record StockUpdate(int? Stock);

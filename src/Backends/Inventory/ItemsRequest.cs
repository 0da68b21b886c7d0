namespace FastLb.Backends.Inventory;

/// <summary>Body of <c>POST /api/inventory/check</c> and <c>/reserve</c>.</summary>
internal sealed record ItemsRequest(List<ItemQuantity>? Items);

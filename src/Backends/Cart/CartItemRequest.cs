namespace FastLb.Backends.Cart;

/// <summary>Body of <c>POST</c> (add) and <c>PUT</c> (set) <c>/api/cart/items</c>.</summary>
internal sealed record CartItemRequest(string? Sku, int? Quantity);

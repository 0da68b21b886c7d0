using FastLb.Backends.Inventory;

namespace FastLb.Backends.Orders;

/// <summary>Body of <c>POST /api/orders</c>: explicit items, or none to order the caller's cart; the card is passed to payments, never stored.</summary>
internal sealed record CreateOrderRequest(List<ItemQuantity>? Items, string? CardNumber, string? Currency);

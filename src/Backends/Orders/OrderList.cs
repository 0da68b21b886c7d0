namespace FastLb.Backends.Orders;

/// <summary>Answer of <c>GET /api/orders/user</c>, newest first.</summary>
internal sealed record OrderList(IReadOnlyList<Order> Items, int Count);

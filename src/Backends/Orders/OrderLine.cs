namespace FastLb.Backends.Orders;

/// <summary>One line of an order, priced by inventory at reservation (0 until then).</summary>
internal sealed record OrderLine(string Sku, int Quantity, decimal UnitPrice);

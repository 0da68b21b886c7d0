namespace FastLb.Backends.Cart;

/// <summary>One product in a cart.</summary>
internal sealed record CartLine(string Sku, int Quantity);

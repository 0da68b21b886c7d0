namespace FastLb.Backends.Cart;

/// <summary>A cart as answered: its owner (user:ID or guest:SESSION), lines sorted by SKU, and the unit count.</summary>
internal sealed record CartView(string Owner, IReadOnlyList<CartLine> Items, int TotalQuantity)
{
    /// <summary>A view of <paramref name="lines"/>, sorted by SKU.</summary>
    public static CartView Of(string owner, IEnumerable<CartLine> lines)
    {
        CartLine[] sorted = lines.OrderBy(l => l.Sku, StringComparer.Ordinal).ToArray();
        return new CartView(owner, sorted, sorted.Sum(l => l.Quantity));
    }
}

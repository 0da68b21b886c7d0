namespace FastLb.Backends.Inventory;

/// <summary>One line of a stock check answer.</summary>
internal sealed record CheckLine(string Sku, int Requested, int InStock, bool Ok);

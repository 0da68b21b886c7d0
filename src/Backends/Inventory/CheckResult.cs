namespace FastLb.Backends.Inventory;

/// <summary>Answer of <c>POST /api/inventory/check</c>: whether every line can be served now.</summary>
internal sealed record CheckResult(bool Available, IReadOnlyList<CheckLine> Items);

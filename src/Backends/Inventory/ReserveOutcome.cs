namespace FastLb.Backends.Inventory;

/// <summary>Result of <see cref="IInventoryStore.ReserveAsync"/>: the reservation, or the SKU that stopped it.</summary>
internal sealed record ReserveOutcome(ReserveStatus Status, Reservation? Reservation, string? Sku);

namespace FastLb.Backends.Inventory;

/// <summary>Stock held for an order: PENDING until confirmed, released, or expired by the sweeper.</summary>
internal sealed record Reservation(Guid ReservationId, string Status, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, IReadOnlyList<ReservedItem> Items, decimal Total)
{
    /// <summary>Holding stock, awaiting confirm or release.</summary>
    public const string Pending = "PENDING";

    /// <summary>Sold: the stock stays out.</summary>
    public const string Confirmed = "CONFIRMED";

    /// <summary>Given back by the caller: stock returned.</summary>
    public const string Released = "RELEASED";

    /// <summary>Timed out: stock returned by the sweeper.</summary>
    public const string Expired = "EXPIRED";
}

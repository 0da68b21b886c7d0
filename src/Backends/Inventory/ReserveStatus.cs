namespace FastLb.Backends.Inventory;

/// <summary>How a reserve attempt ended.</summary>
internal enum ReserveStatus
{
    /// <summary>Stock taken, reservation PENDING.</summary>
    Reserved,

    /// <summary>A SKU does not exist; nothing taken.</summary>
    UnknownSku,

    /// <summary>A line cannot be served; nothing taken.</summary>
    InsufficientStock,
}

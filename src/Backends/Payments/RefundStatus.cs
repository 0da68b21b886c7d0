namespace FastLb.Backends.Payments;

/// <summary>How a refund ended.</summary>
internal enum RefundStatus
{
    /// <summary>Refunded now or before (idempotent).</summary>
    Ok,

    /// <summary>No such payment.</summary>
    NotFound,

    /// <summary>A declined payment has nothing to refund.</summary>
    Conflict,
}

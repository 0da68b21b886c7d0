namespace FastLb.Backends.Orders;

/// <summary>An order and where its saga stands. <see cref="Version"/> increases with every write (optimistic concurrency).</summary>
internal sealed record Order(
    Guid OrderId,
    string UserId,
    string Status,
    IReadOnlyList<OrderLine> Items,
    decimal Total,
    string Currency,
    Guid? ReservationId,
    Guid? PaymentId,
    string? FailureReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int Version)
{
    /// <summary>Being created: the saga is running (or crashed; then its reservation expires).</summary>
    public const string Pending = "PENDING";

    /// <summary>Stock confirmed, money taken.</summary>
    public const string Paid = "PAID";

    /// <summary>The saga failed and compensated; see <see cref="FailureReason"/>.</summary>
    public const string Failed = "FAILED";

    /// <summary>Handed to the carrier (admin).</summary>
    public const string Shipped = "SHIPPED";

    /// <summary>Delivered (admin).</summary>
    public const string Delivered = "DELIVERED";

    /// <summary>Cancelled after payment: refunded, stock returned.</summary>
    public const string Cancelled = "CANCELLED";

    /// <summary>Every status.</summary>
    public static readonly string[] Statuses = [Pending, Paid, Failed, Shipped, Delivered, Cancelled];
}

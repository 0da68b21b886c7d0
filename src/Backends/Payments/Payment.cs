namespace FastLb.Backends.Payments;

/// <summary>A payment: CAPTURED or DECLINED when made, REFUNDED later; with every attempt on it.</summary>
internal sealed record Payment(
    Guid PaymentId,
    string? OrderId,
    string UserId,
    decimal Amount,
    string Currency,
    string CardLast4,
    string Status,
    string? DeclineReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<PaymentAttempt> Attempts)
{
    /// <summary>Money taken.</summary>
    public const string Captured = "CAPTURED";

    /// <summary>Refused by the (simulated) gateway; nothing taken.</summary>
    public const string Declined = "DECLINED";

    /// <summary>Money given back.</summary>
    public const string Refunded = "REFUNDED";
}

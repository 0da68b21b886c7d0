namespace FastLb.Backends.Payments;

/// <summary>Payments and their attempt log.</summary>
internal interface IPaymentStore
{
    /// <summary>Stores a new payment; with <paramref name="idempotencyKey"/> (per user) a repeat returns the first payment and false.</summary>
    Task<(Payment Payment, bool Created)> CreateAsync(Payment payment, string? idempotencyKey, CancellationToken cancellationToken);

    /// <summary>One payment, or null.</summary>
    Task<Payment?> GetAsync(Guid paymentId, CancellationToken cancellationToken);

    /// <summary>CAPTURED -> REFUNDED (logging the attempt); REFUNDED stays; DECLINED is a conflict.</summary>
    Task<(RefundStatus Status, Payment? Payment)> RefundAsync(Guid paymentId, DateTimeOffset now, CancellationToken cancellationToken);
}

using System.Collections.Concurrent;

namespace FastLb.Backends.Payments;

/// <summary>Payments in process memory; each payment's changes happen under its own lock.</summary>
internal sealed class InMemoryPaymentStore : IPaymentStore
{
    private readonly ConcurrentDictionary<Guid, Box> _payments = new();
    private readonly ConcurrentDictionary<string, Guid> _byKey = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public Task<(Payment Payment, bool Created)> CreateAsync(Payment payment, string? idempotencyKey, CancellationToken cancellationToken)
    {
        if (idempotencyKey is not null)
        {
            Guid id = _byKey.GetOrAdd(payment.UserId + "\n" + idempotencyKey, payment.PaymentId);
            if (id != payment.PaymentId)
            {
                // A concurrent first attempt may still be storing its payment: it is added right after the key.
                SpinWait spin = default;
                Box? existing;
                while (!_payments.TryGetValue(id, out existing)) spin.SpinOnce();
                return Task.FromResult((existing.Get(), false));
            }
        }

        _payments[payment.PaymentId] = new Box(payment);
        return Task.FromResult((payment, true));
    }

    /// <inheritdoc />
    public Task<Payment?> GetAsync(Guid paymentId, CancellationToken cancellationToken) =>
        Task.FromResult(_payments.TryGetValue(paymentId, out Box? box) ? box.Get() : null);

    /// <inheritdoc />
    public Task<(RefundStatus Status, Payment? Payment)> RefundAsync(Guid paymentId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!_payments.TryGetValue(paymentId, out Box? box)) return Task.FromResult<(RefundStatus, Payment?)>((RefundStatus.NotFound, null));
        lock (box)
        {
            Payment p = box.Value;
            if (p.Status == Payment.Declined) return Task.FromResult<(RefundStatus, Payment?)>((RefundStatus.Conflict, p));
            if (p.Status == Payment.Refunded) return Task.FromResult<(RefundStatus, Payment?)>((RefundStatus.Ok, p));
            box.Value = p with { Status = Payment.Refunded, UpdatedAt = now, Attempts = [.. p.Attempts, new PaymentAttempt("refund", "succeeded", now)] };
            return Task.FromResult<(RefundStatus, Payment?)>((RefundStatus.Ok, box.Value));
        }
    }

    /// <summary>A payment replaced as a whole under the box's lock.</summary>
    private sealed class Box(Payment value)
    {
        public Payment Value = value;

        public Payment Get()
        {
            lock (this) return Value;
        }
    }
}

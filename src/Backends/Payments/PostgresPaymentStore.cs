using FastLb.Backends.Storage;
using Npgsql;

namespace FastLb.Backends.Payments;

/// <summary>Payments in PostgreSQL; a unique (user, idempotency key) makes repeats return the first payment, and the refund is a conditional UPDATE so two instances refund once.</summary>
internal sealed class PostgresPaymentStore : IPaymentStore
{
    /// <summary>Schema migrations, in order; append only.</summary>
    public static readonly IReadOnlyList<string> Migrations =
    [
        """
        CREATE TABLE payments (id uuid PRIMARY KEY, order_id text, user_id text NOT NULL, idempotency_key text, amount numeric(12,2) NOT NULL,
                               currency text NOT NULL, card_last4 text NOT NULL, status text NOT NULL, decline_reason text,
                               created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL, UNIQUE (user_id, idempotency_key));
        CREATE TABLE payment_attempts (id bigserial PRIMARY KEY, payment_id uuid NOT NULL REFERENCES payments (id), kind text NOT NULL,
                                       result text NOT NULL, at timestamptz NOT NULL);
        CREATE INDEX payment_attempts_payment ON payment_attempts (payment_id);
        """,
    ];

    private readonly PostgresDatabase _db;

    /// <summary>Uses an opened database with <see cref="Migrations"/> applied.</summary>
    public PostgresPaymentStore(PostgresDatabase db) => _db = db;

    /// <inheritdoc />
    public Task<(Payment Payment, bool Created)> CreateAsync(Payment payment, string? idempotencyKey, CancellationToken cancellationToken) =>
        _db.InTransactionAsync(async (connection, tx) =>
        {
            await using (NpgsqlCommand insert = PostgresDatabase.Command(connection, tx,
                """
                INSERT INTO payments (id, order_id, user_id, idempotency_key, amount, currency, card_last4, status, decline_reason, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) ON CONFLICT (user_id, idempotency_key) DO NOTHING
                """,
                payment.PaymentId, payment.OrderId, payment.UserId, idempotencyKey, payment.Amount, payment.Currency, payment.CardLast4,
                payment.Status, payment.DeclineReason, payment.CreatedAt.ToUniversalTime()))
            {
                if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                {
                    // The conflicting row is committed (ON CONFLICT waits for the other transaction), so it is visible.
                    await using NpgsqlCommand find = PostgresDatabase.Command(connection, tx, "SELECT id FROM payments WHERE user_id = $1 AND idempotency_key = $2", payment.UserId, idempotencyKey);
                    var existing = (Guid)(await find.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                    return ((await LoadAsync(connection, tx, existing, cancellationToken).ConfigureAwait(false))!, false);
                }
            }

            foreach (PaymentAttempt attempt in payment.Attempts)
            {
                await using NpgsqlCommand log = PostgresDatabase.Command(connection, tx, "INSERT INTO payment_attempts (payment_id, kind, result, at) VALUES ($1, $2, $3, $4)",
                    payment.PaymentId, attempt.Kind, attempt.Result, attempt.At.ToUniversalTime());
                await log.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return (payment, true);
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<Payment?> GetAsync(Guid paymentId, CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await _db.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await LoadAsync(connection, null, paymentId, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<(RefundStatus Status, Payment? Payment)> RefundAsync(Guid paymentId, DateTimeOffset now, CancellationToken cancellationToken) =>
        _db.InTransactionAsync<(RefundStatus, Payment?)>(async (connection, tx) =>
        {
            await using (NpgsqlCommand refund = PostgresDatabase.Command(connection, tx,
                "UPDATE payments SET status = 'REFUNDED', updated_at = $2 WHERE id = $1 AND status = 'CAPTURED'", paymentId, now.ToUniversalTime()))
            {
                if (await refund.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
                {
                    await using NpgsqlCommand log = PostgresDatabase.Command(connection, tx, "INSERT INTO payment_attempts (payment_id, kind, result, at) VALUES ($1, 'refund', 'succeeded', $2)",
                        paymentId, now.ToUniversalTime());
                    await log.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            Payment? p = await LoadAsync(connection, tx, paymentId, cancellationToken).ConfigureAwait(false);
            return p is null ? (RefundStatus.NotFound, null) : (p.Status == Payment.Declined ? RefundStatus.Conflict : RefundStatus.Ok, p);
        }, cancellationToken);

    private static async Task<Payment?> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid id, CancellationToken cancellationToken)
    {
        Payment p;
        await using (NpgsqlCommand head = PostgresDatabase.Command(connection, tx,
            "SELECT order_id, user_id, amount, currency, card_last4, status, decline_reason, created_at, updated_at FROM payments WHERE id = $1", id))
        await using (NpgsqlDataReader r = await head.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await r.ReadAsync(cancellationToken).ConfigureAwait(false)) return null;
            p = new Payment(id, r.IsDBNull(0) ? null : r.GetString(0), r.GetString(1), r.GetDecimal(2), r.GetString(3), r.GetString(4), r.GetString(5),
                r.IsDBNull(6) ? null : r.GetString(6), r.GetFieldValue<DateTimeOffset>(7), r.GetFieldValue<DateTimeOffset>(8), []);
        }

        var attempts = new List<PaymentAttempt>();
        await using (NpgsqlCommand log = PostgresDatabase.Command(connection, tx, "SELECT kind, result, at FROM payment_attempts WHERE payment_id = $1 ORDER BY id", id))
        await using (NpgsqlDataReader r = await log.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false)) attempts.Add(new PaymentAttempt(r.GetString(0), r.GetString(1), r.GetFieldValue<DateTimeOffset>(2)));
        }

        return p with { Attempts = attempts };
    }
}

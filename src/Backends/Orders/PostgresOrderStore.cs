using System.Text.Json;
using FastLb.Backends.Storage;
using Npgsql;

namespace FastLb.Backends.Orders;

/// <summary>Orders and the outbox in PostgreSQL. An order change and its event commit in one transaction; the version
/// column turns concurrent writers (two instances) into one winner and one retry, never a lost update; relays claim
/// events with FOR UPDATE SKIP LOCKED and a lease, so two relays do not take the same event at once.</summary>
internal sealed class PostgresOrderStore : IOrderStore
{
    /// <summary>Schema migrations, in order; append only.</summary>
    public static readonly IReadOnlyList<string> Migrations =
    [
        """
        CREATE TABLE orders (id uuid PRIMARY KEY, user_id text NOT NULL, idempotency_key text, status text NOT NULL, items jsonb NOT NULL,
                             total numeric(12,2) NOT NULL, currency text NOT NULL, reservation_id uuid, payment_id uuid, failure_reason text,
                             created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL, version int NOT NULL,
                             UNIQUE (user_id, idempotency_key));
        CREATE INDEX orders_user ON orders (user_id, created_at DESC);
        CREATE TABLE outbox (event_id uuid PRIMARY KEY, order_id uuid NOT NULL REFERENCES orders (id), user_id text NOT NULL, type text NOT NULL,
                             subject text NOT NULL, body text NOT NULL, created_at timestamptz NOT NULL, lease_until timestamptz,
                             delivered_at timestamptz);
        CREATE INDEX outbox_pending ON outbox (created_at) WHERE delivered_at IS NULL;
        """,
    ];

    private const string Columns = "id, user_id, status, items, total, currency, reservation_id, payment_id, failure_reason, created_at, updated_at, version";
    private readonly PostgresDatabase _db;

    /// <summary>Uses an opened database with <see cref="Migrations"/> applied.</summary>
    public PostgresOrderStore(PostgresDatabase db) => _db = db;

    /// <inheritdoc />
    public async Task<(Order Order, bool Created)> CreateAsync(Order o, string? idempotencyKey, CancellationToken cancellationToken)
    {
        await using (NpgsqlCommand insert = _db.Command(
            $"INSERT INTO orders (idempotency_key, {Columns}) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (user_id, idempotency_key) DO NOTHING",
            idempotencyKey, o.OrderId, o.UserId, o.Status, Items(o), o.Total, o.Currency, o.ReservationId, o.PaymentId, o.FailureReason,
            o.CreatedAt.ToUniversalTime(), o.UpdatedAt.ToUniversalTime(), o.Version))
        {
            if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1) return (o, true);
        }

        var found = await QueryAsync($"SELECT {Columns} FROM orders WHERE user_id = $1 AND idempotency_key = $2", [o.UserId, idempotencyKey], cancellationToken).ConfigureAwait(false);
        return (found[0], false);
    }

    /// <inheritdoc />
    public async Task<Order?> GetAsync(Guid orderId, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {Columns} FROM orders WHERE id = $1", [orderId], cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    /// <inheritdoc />
    public Task<IReadOnlyList<Order>> ListByUserAsync(string userId, int limit, CancellationToken cancellationToken) =>
        QueryAsync($"SELECT {Columns} FROM orders WHERE user_id = $1 ORDER BY created_at DESC, id LIMIT $2", [userId, limit], cancellationToken);

    /// <inheritdoc />
    public Task<bool> UpdateAsync(Order o, int expectedVersion, OutboxEvent? e, CancellationToken cancellationToken) =>
        _db.InTransactionAsync(async (connection, tx) =>
        {
            await using (NpgsqlCommand update = PostgresDatabase.Command(connection, tx,
                """
                UPDATE orders SET status = $3, items = $4::jsonb, total = $5, reservation_id = $6, payment_id = $7, failure_reason = $8,
                                  updated_at = $9, version = $2 + 1
                WHERE id = $1 AND version = $2
                """,
                o.OrderId, expectedVersion, o.Status, Items(o), o.Total, o.ReservationId, o.PaymentId, o.FailureReason, o.UpdatedAt.ToUniversalTime()))
            {
                if (await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
                {
                    await _db.RollbackAsync(tx, cancellationToken).ConfigureAwait(false);
                    return false;
                }
            }

            if (e is not null)
            {
                await using NpgsqlCommand insert = PostgresDatabase.Command(connection, tx,
                    "INSERT INTO outbox (event_id, order_id, user_id, type, subject, body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    e.EventId, e.OrderId, e.UserId, e.Type, e.Subject, e.Body, e.CreatedAt.ToUniversalTime());
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<OutboxEvent>> ClaimPendingAsync(int max, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        await using NpgsqlCommand claim = _db.Command(
            """
            UPDATE outbox SET lease_until = $3 WHERE event_id IN (
                SELECT event_id FROM outbox WHERE delivered_at IS NULL AND (lease_until IS NULL OR lease_until <= $2)
                ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED)
            RETURNING event_id, order_id, user_id, type, subject, body, created_at
            """, max, now.ToUniversalTime(), leaseUntil.ToUniversalTime());
        await using NpgsqlDataReader r = await claim.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var events = new List<OutboxEvent>();
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            events.Add(new OutboxEvent(r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetFieldValue<DateTimeOffset>(6)));
        }

        return events;
    }

    /// <inheritdoc />
    public async Task MarkDeliveredAsync(Guid eventId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using NpgsqlCommand cmd = _db.Command("UPDATE outbox SET delivered_at = $2 WHERE event_id = $1", eventId, now.ToUniversalTime());
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<int> PendingCountAsync(CancellationToken cancellationToken)
    {
        await using NpgsqlCommand cmd = _db.Command("SELECT count(*)::int FROM outbox WHERE delivered_at IS NULL");
        return (int)(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static string Items(Order o) => JsonSerializer.Serialize(o.Items, OrdersJsonContext.Default.IReadOnlyListOrderLine);

    private async Task<IReadOnlyList<Order>> QueryAsync(string sql, object?[] parameters, CancellationToken cancellationToken)
    {
        await using NpgsqlCommand cmd = _db.Command(sql, parameters);
        await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<Order>();
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            IReadOnlyList<OrderLine> items = JsonSerializer.Deserialize(r.GetString(3), OrdersJsonContext.Default.IReadOnlyListOrderLine) ?? [];
            list.Add(new Order(r.GetGuid(0), r.GetString(1), r.GetString(2), items, r.GetDecimal(4), r.GetString(5),
                r.IsDBNull(6) ? null : r.GetGuid(6), r.IsDBNull(7) ? null : r.GetGuid(7), r.IsDBNull(8) ? null : r.GetString(8),
                r.GetFieldValue<DateTimeOffset>(9), r.GetFieldValue<DateTimeOffset>(10), r.GetInt32(11)));
        }

        return list;
    }
}

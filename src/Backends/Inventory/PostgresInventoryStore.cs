using FastLb.Backends.Storage;
using Npgsql;

namespace FastLb.Backends.Inventory;

/// <summary>Inventory in PostgreSQL. Stock is taken with a conditional <c>UPDATE ... SET stock = stock - n WHERE stock &gt;= n</c>:
/// the row lock and READ COMMITTED's re-check of the WHERE on the newest row version make concurrent takes
/// (from any number of instances) serialize per product without lost updates, and the CHECK constraint backs it up.
/// Reservation state moves by conditional UPDATE too, so stock is returned at most once.</summary>
internal sealed class PostgresInventoryStore : IInventoryStore
{
    /// <summary>Schema migrations, in order; never edit one that has shipped, append.</summary>
    public static readonly IReadOnlyList<string> Migrations =
    [
        """
        CREATE TABLE products (sku text PRIMARY KEY, name text NOT NULL, description text NOT NULL, category text NOT NULL,
                               price numeric(12,2) NOT NULL, stock int NOT NULL CHECK (stock >= 0));
        CREATE INDEX products_category ON products (category);
        CREATE TABLE reservations (id uuid PRIMARY KEY, idempotency_key text UNIQUE, status text NOT NULL,
                                   created_at timestamptz NOT NULL, expires_at timestamptz NOT NULL);
        CREATE INDEX reservations_pending ON reservations (expires_at) WHERE status = 'PENDING';
        CREATE TABLE reservation_items (reservation_id uuid NOT NULL REFERENCES reservations (id), sku text NOT NULL REFERENCES products (sku),
                                        quantity int NOT NULL CHECK (quantity > 0), unit_price numeric(12,2) NOT NULL,
                                        PRIMARY KEY (reservation_id, sku));
        """,
    ];

    private readonly PostgresDatabase _db;

    /// <summary>Uses an opened database with <see cref="Migrations"/> applied.</summary>
    public PostgresInventoryStore(PostgresDatabase db) => _db = db;

    /// <inheritdoc />
    public async Task SeedAsync(IReadOnlyList<Product> products, CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await _db.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using NpgsqlBatch batch = new(connection);
        foreach (Product p in products)
        {
            var cmd = new NpgsqlBatchCommand("INSERT INTO products (sku, name, description, category, price, stock) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (sku) DO NOTHING");
            cmd.Parameters.Add(new NpgsqlParameter { Value = p.Sku });
            cmd.Parameters.Add(new NpgsqlParameter { Value = p.Name });
            cmd.Parameters.Add(new NpgsqlParameter { Value = p.Description });
            cmd.Parameters.Add(new NpgsqlParameter { Value = p.Category });
            cmd.Parameters.Add(new NpgsqlParameter { Value = p.Price });
            cmd.Parameters.Add(new NpgsqlParameter { Value = p.Stock });
            batch.BatchCommands.Add(cmd);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ProductPage> ListAsync(string? category, int offset, int limit, CancellationToken cancellationToken)
    {
        var items = new List<Product>();
        int total = 0;
        await using (NpgsqlCommand cmd = _db.Command(
            "SELECT sku, name, description, category, price, stock, count(*) OVER () FROM products WHERE ($1::text IS NULL OR lower(category) = lower($1)) ORDER BY sku OFFSET $2 LIMIT $3",
            category, offset, limit))
        await using (NpgsqlDataReader reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                items.Add(Read(reader));
                total = (int)reader.GetInt64(6);
            }
        }

        if (items.Count == 0)
        {
            await using NpgsqlCommand count = _db.Command("SELECT count(*) FROM products WHERE ($1::text IS NULL OR lower(category) = lower($1))", category);
            total = (int)(long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        return new ProductPage(items, total, offset, limit);
    }

    /// <inheritdoc />
    public async Task<Product?> GetAsync(string sku, CancellationToken cancellationToken)
    {
        await using NpgsqlCommand cmd = _db.Command("SELECT sku, name, description, category, price, stock FROM products WHERE sku = $1", sku);
        await using NpgsqlDataReader reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Product>> SearchAsync(string query, int limit, CancellationToken cancellationToken)
    {
        string pattern = "%" + query.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
        await using NpgsqlCommand cmd = _db.Command(
            "SELECT sku, name, description, category, price, stock FROM products WHERE name ILIKE $1 OR description ILIKE $1 OR category ILIKE $1 ORDER BY sku LIMIT $2", pattern, limit);
        await using NpgsqlDataReader reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var items = new List<Product>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) items.Add(Read(reader));
        return items;
    }

    /// <inheritdoc />
    public Task<ReserveOutcome> ReserveAsync(IReadOnlyList<ItemQuantity> items, string? idempotencyKey, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        _db.InTransactionAsync(async (connection, tx) =>
        {
            if (idempotencyKey is not null)
            {
                // Serialize repeats of one key: the first holds the lock until it commits.
                await using (NpgsqlCommand lockKey = PostgresDatabase.Command(connection, tx, "SELECT pg_advisory_xact_lock(hashtext($1))", "reserve:" + idempotencyKey))
                {
                    await lockKey.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await using NpgsqlCommand find = PostgresDatabase.Command(connection, tx, "SELECT id FROM reservations WHERE idempotency_key = $1", idempotencyKey);
                if (await find.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is Guid existing)
                {
                    return new ReserveOutcome(ReserveStatus.Reserved, await LoadAsync(connection, tx, existing, cancellationToken).ConfigureAwait(false), null);
                }
            }

            var lines = new List<ReservedItem>(items.Count);

            // Lines arrive sorted by SKU, so concurrent reservations lock product rows in one order.
            foreach (ItemQuantity item in items)
            {
                await using NpgsqlCommand take = PostgresDatabase.Command(connection, tx,
                    "UPDATE products SET stock = stock - $2 WHERE sku = $1 AND stock >= $2 RETURNING price", item.Sku, item.Quantity);
                object? price = await take.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                if (price is null)
                {
                    await using NpgsqlCommand exists = PostgresDatabase.Command(connection, tx, "SELECT 1 FROM products WHERE sku = $1", item.Sku);
                    bool known = await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
                    await _db.RollbackAsync(tx, cancellationToken).ConfigureAwait(false);
                    return new ReserveOutcome(known ? ReserveStatus.InsufficientStock : ReserveStatus.UnknownSku, null, item.Sku);
                }

                lines.Add(new ReservedItem(item.Sku!, item.Quantity, (decimal)price));
            }

            var id = Guid.NewGuid();
            await using (NpgsqlCommand insert = PostgresDatabase.Command(connection, tx,
                "INSERT INTO reservations (id, idempotency_key, status, created_at, expires_at) VALUES ($1, $2, 'PENDING', $3, $4)",
                id, idempotencyKey, now.ToUniversalTime(), expiresAt.ToUniversalTime()))
            {
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            foreach (ReservedItem line in lines)
            {
                await using NpgsqlCommand insertLine = PostgresDatabase.Command(connection, tx,
                    "INSERT INTO reservation_items (reservation_id, sku, quantity, unit_price) VALUES ($1, $2, $3, $4)", id, line.Sku, line.Quantity, line.UnitPrice);
                await insertLine.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            var reservation = new Reservation(id, Reservation.Pending, now, expiresAt, lines, lines.Sum(l => l.UnitPrice * l.Quantity));
            return new ReserveOutcome(ReserveStatus.Reserved, reservation, null);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<TransitionOutcome> ConfirmAsync(Guid reservationId, DateTimeOffset now, CancellationToken cancellationToken) =>
        _db.InTransactionAsync(async (connection, tx) =>
        {
            await using (NpgsqlCommand confirm = PostgresDatabase.Command(connection, tx,
                "UPDATE reservations SET status = 'CONFIRMED' WHERE id = $1 AND status = 'PENDING' AND expires_at > $2", reservationId, now.ToUniversalTime()))
            {
                await confirm.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            Reservation? r = await LoadAsync(connection, tx, reservationId, cancellationToken).ConfigureAwait(false);
            return r is null ? new TransitionOutcome(TransitionStatus.NotFound, null)
                : new TransitionOutcome(r.Status == Reservation.Confirmed ? TransitionStatus.Ok : TransitionStatus.Conflict, r);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<TransitionOutcome> ReleaseAsync(Guid reservationId, CancellationToken cancellationToken) =>
        _db.InTransactionAsync(async (connection, tx) =>
        {
            await using (NpgsqlCommand release = PostgresDatabase.Command(connection, tx,
                """
                WITH released AS (UPDATE reservations SET status = 'RELEASED' WHERE id = $1 AND status IN ('PENDING', 'CONFIRMED') RETURNING id)
                UPDATE products p SET stock = p.stock + ri.quantity FROM reservation_items ri JOIN released r ON r.id = ri.reservation_id WHERE p.sku = ri.sku
                """, reservationId))
            {
                await release.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            Reservation? r = await LoadAsync(connection, tx, reservationId, cancellationToken).ConfigureAwait(false);
            return new TransitionOutcome(r is null ? TransitionStatus.NotFound : TransitionStatus.Ok, r);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<int> ExpireAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        _db.InTransactionAsync(async (connection, tx) =>
        {
            // The status check in the UPDATE makes two sweepers (two instances) expire each reservation once:
            // the second waits on the row lock, re-checks status = 'PENDING' and skips it.
            await using NpgsqlCommand expire = PostgresDatabase.Command(connection, tx,
                """
                WITH expired AS (UPDATE reservations SET status = 'EXPIRED' WHERE status = 'PENDING' AND expires_at <= $1 RETURNING id),
                     returned AS (SELECT ri.sku, sum(ri.quantity)::int AS quantity FROM reservation_items ri JOIN expired e ON e.id = ri.reservation_id GROUP BY ri.sku),
                     restocked AS (UPDATE products p SET stock = p.stock + r.quantity FROM returned r WHERE p.sku = r.sku RETURNING p.sku)
                SELECT (SELECT count(*) FROM expired)::int
                """, now.ToUniversalTime());
            return (int)(await expire.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<bool> SetStockAsync(string sku, int stock, CancellationToken cancellationToken)
    {
        await using NpgsqlCommand cmd = _db.Command("UPDATE products SET stock = $2 WHERE sku = $1", sku, stock);
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private static async Task<Reservation?> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, CancellationToken cancellationToken)
    {
        string status;
        DateTimeOffset created, expires;
        await using (NpgsqlCommand head = PostgresDatabase.Command(connection, tx, "SELECT status, created_at, expires_at FROM reservations WHERE id = $1", id))
        await using (NpgsqlDataReader reader = await head.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) return null;
            status = reader.GetString(0);
            created = reader.GetFieldValue<DateTimeOffset>(1);
            expires = reader.GetFieldValue<DateTimeOffset>(2);
        }

        var lines = new List<ReservedItem>();
        await using (NpgsqlCommand items = PostgresDatabase.Command(connection, tx, "SELECT sku, quantity, unit_price FROM reservation_items WHERE reservation_id = $1 ORDER BY sku", id))
        await using (NpgsqlDataReader reader = await items.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) lines.Add(new ReservedItem(reader.GetString(0), reader.GetInt32(1), reader.GetDecimal(2)));
        }

        return new Reservation(id, status, created, expires, lines, lines.Sum(l => l.UnitPrice * l.Quantity));
    }

    private static Product Read(NpgsqlDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetDecimal(4), r.GetInt32(5));
}

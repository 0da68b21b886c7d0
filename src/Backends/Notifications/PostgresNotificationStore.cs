using FastLb.Backends.Storage;
using Npgsql;

namespace FastLb.Backends.Notifications;

/// <summary>Notifications in PostgreSQL; a unique event id makes creation idempotent across instances.</summary>
internal sealed class PostgresNotificationStore : INotificationStore
{
    /// <summary>Schema migrations, in order; append only.</summary>
    public static readonly IReadOnlyList<string> Migrations =
    [
        """
        CREATE TABLE notifications (id uuid PRIMARY KEY, user_id text NOT NULL, type text NOT NULL, channel text NOT NULL, subject text NOT NULL,
                                    body text NOT NULL, status text NOT NULL, event_id text UNIQUE, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL);
        CREATE INDEX notifications_user ON notifications (user_id, created_at DESC);
        """,
    ];

    private const string Columns = "id, user_id, type, channel, subject, body, status, event_id, created_at, updated_at";
    private readonly PostgresDatabase _db;

    /// <summary>Uses an opened database with <see cref="Migrations"/> applied.</summary>
    public PostgresNotificationStore(PostgresDatabase db) => _db = db;

    /// <inheritdoc />
    public async Task<(Notification Notification, bool Created)> CreateAsync(Notification n, CancellationToken cancellationToken)
    {
        await using (NpgsqlCommand insert = _db.Command(
            $"INSERT INTO notifications ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) ON CONFLICT (event_id) DO NOTHING",
            n.NotificationId, n.UserId, n.Type, n.Channel, n.Subject, n.Body, n.Status, n.EventId, n.CreatedAt.ToUniversalTime()))
        {
            if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1) return (n, true);
        }

        var found = await QueryAsync($"SELECT {Columns} FROM notifications WHERE event_id = $1", [n.EventId], cancellationToken).ConfigureAwait(false);
        return (found[0], false);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Notification>> ListAsync(string? userId, int limit, CancellationToken cancellationToken) =>
        QueryAsync($"SELECT {Columns} FROM notifications WHERE ($1::text IS NULL OR user_id = $1) ORDER BY created_at DESC, id LIMIT $2", [userId, limit], cancellationToken);

    /// <inheritdoc />
    public async Task<Notification?> GetAsync(Guid id, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {Columns} FROM notifications WHERE id = $1", [id], cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    /// <inheritdoc />
    public async Task<Notification?> SetStatusAsync(Guid id, string status, DateTimeOffset now, CancellationToken cancellationToken) =>
        (await QueryAsync($"UPDATE notifications SET status = $2, updated_at = $3 WHERE id = $1 RETURNING {Columns}", [id, status, now.ToUniversalTime()], cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    private async Task<IReadOnlyList<Notification>> QueryAsync(string sql, object?[] parameters, CancellationToken cancellationToken)
    {
        await using NpgsqlCommand cmd = _db.Command(sql, parameters);
        await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<Notification>();
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new Notification(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
                r.IsDBNull(7) ? null : r.GetString(7), r.GetFieldValue<DateTimeOffset>(8), r.GetFieldValue<DateTimeOffset>(9)));
        }

        return list;
    }
}

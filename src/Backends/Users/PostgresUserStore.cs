using FastLb.Backends.Storage;
using Npgsql;

namespace FastLb.Backends.Users;

/// <summary>Users in PostgreSQL; a unique index on lower(email) decides uniqueness across instances.</summary>
internal sealed class PostgresUserStore : IUserStore
{
    /// <summary>Schema migrations, in order; append only.</summary>
    public static readonly IReadOnlyList<string> Migrations =
    [
        """
        CREATE TABLE users (id text PRIMARY KEY, email text NOT NULL, name text NOT NULL, password_hash text NOT NULL,
                            roles text[] NOT NULL, created_at timestamptz NOT NULL);
        CREATE UNIQUE INDEX users_email ON users (lower(email));
        """,
    ];

    private readonly PostgresDatabase _db;

    /// <summary>Uses an opened database with <see cref="Migrations"/> applied.</summary>
    public PostgresUserStore(PostgresDatabase db) => _db = db;

    /// <inheritdoc />
    public async Task<bool> CreateAsync(UserRecord user, CancellationToken cancellationToken)
    {
        await using NpgsqlCommand cmd = _db.Command(
            "INSERT INTO users (id, email, name, password_hash, roles, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            user.UserId, user.Email, user.Name, user.PasswordHash, user.Roles.ToArray(), user.CreatedAt.ToUniversalTime());
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public Task<UserRecord?> FindByEmailAsync(string email, CancellationToken cancellationToken) =>
        QueryAsync("SELECT id, email, name, password_hash, roles, created_at FROM users WHERE lower(email) = lower($1)", email, cancellationToken);

    /// <inheritdoc />
    public Task<UserRecord?> GetAsync(string userId, CancellationToken cancellationToken) =>
        QueryAsync("SELECT id, email, name, password_hash, roles, created_at FROM users WHERE id = $1", userId, cancellationToken);

    private async Task<UserRecord?> QueryAsync(string sql, string value, CancellationToken cancellationToken)
    {
        await using NpgsqlCommand cmd = _db.Command(sql, value);
        await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await r.ReadAsync(cancellationToken).ConfigureAwait(false)) return null;
        return new UserRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetFieldValue<string[]>(4), r.GetFieldValue<DateTimeOffset>(5));
    }
}

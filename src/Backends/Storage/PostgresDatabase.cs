using System.Text.RegularExpressions;
using Npgsql;

namespace FastLb.Backends.Storage;

/// <summary>A pooled PostgreSQL data source pinned to one schema, with the service's migrations applied at open.</summary>
internal sealed partial class PostgresDatabase : IAsyncDisposable
{
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<NpgsqlTransaction, object> _rolledBack = new();

    private PostgresDatabase(NpgsqlDataSource dataSource) => DataSource = dataSource;

    /// <summary>The pooled data source; every connection's search_path is the schema.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>Whether <paramref name="schema"/> is a plain lower-case identifier (it is spliced into DDL).</summary>
    public static bool IsValidSchema(string schema) => SchemaPattern().IsMatch(schema);

    /// <summary>Creates the schema if needed and applies the migrations of <paramref name="service"/> not yet applied, under an advisory lock so that instances starting together do not race.</summary>
    public static async Task<PostgresDatabase> OpenAsync(string connectionString, string schema, string service, IReadOnlyList<string> migrations, CancellationToken cancellationToken)
    {
        if (!IsValidSchema(schema)) throw new ArgumentException("bad schema name", nameof(schema));
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema };
        NpgsqlDataSource dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        try
        {
            await using NpgsqlConnection connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using NpgsqlTransaction tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await ExecAsync(connection, tx, "SELECT pg_advisory_xact_lock(727274)", cancellationToken).ConfigureAwait(false);
            await ExecAsync(connection, tx, $"CREATE SCHEMA IF NOT EXISTS {schema}", cancellationToken).ConfigureAwait(false);
            await ExecAsync(connection, tx, "CREATE TABLE IF NOT EXISTS schema_migrations (service text NOT NULL, version int NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (service, version))", cancellationToken).ConfigureAwait(false);
            int applied;
            await using (var cmd = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM schema_migrations WHERE service = $1", connection, tx))
            {
                cmd.Parameters.AddWithValue(service);
                applied = (int)(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            for (int version = applied + 1; version <= migrations.Count; version++)
            {
                await ExecAsync(connection, tx, migrations[version - 1], cancellationToken).ConfigureAwait(false);
                await using var mark = new NpgsqlCommand("INSERT INTO schema_migrations (service, version) VALUES ($1, $2)", connection, tx);
                mark.Parameters.AddWithValue(service);
                mark.Parameters.AddWithValue(version);
                await mark.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new PostgresDatabase(dataSource);
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs <paramref name="work"/> in a transaction, retrying a few times on deadlock or serialization failure (40P01, 40001).</summary>
    public async Task<T> InTransactionAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            await using NpgsqlConnection connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using NpgsqlTransaction tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

            // Npgsql reuses one NpgsqlTransaction object per physical connection: forget a rollback mark left by an earlier use.
            _rolledBack.Remove(tx);
            try
            {
                T result = await work(connection, tx).ConfigureAwait(false);
                if (!_rolledBack.TryGetValue(tx, out _)) await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                return result;
            }
            catch (PostgresException e) when (attempt < 5 && e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
            {
                await tx.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Rolls back a transaction of <see cref="InTransactionAsync{T}"/> from inside its work, which then returns normally.</summary>
    public async Task RollbackAsync(NpgsqlTransaction tx, CancellationToken cancellationToken)
    {
        _rolledBack.AddOrUpdate(tx, tx);
        await tx.RollbackAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A command on an open connection; parameters are positional ($1, $2, ...).</summary>
    public static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, params object?[] parameters)
    {
        var cmd = new NpgsqlCommand(sql, connection, tx);
        foreach (object? p in parameters) cmd.Parameters.Add(new NpgsqlParameter { Value = p ?? DBNull.Value });
        return cmd;
    }

    /// <summary>A command on a pooled connection of the data source, outside any transaction.</summary>
    public NpgsqlCommand Command(string sql, params object?[] parameters)
    {
        NpgsqlCommand cmd = DataSource.CreateCommand(sql);
        foreach (object? p in parameters) cmd.Parameters.Add(new NpgsqlParameter { Value = p ?? DBNull.Value });
        return cmd;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => DataSource.DisposeAsync();

    private static async Task ExecAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand(sql, connection, tx);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SchemaPattern();
}

using FastLb.Policy;
using FastLb.RequestLog;
using Npgsql;
using NpgsqlTypes;

namespace FastLb.Proxy.Logging;

/// <summary>Copies records into a PostgreSQL table with binary COPY, one COPY per batch; the table is created when missing.</summary>
/// <remarks>The columns are the request log's (docs/FORMATS.md), the ones <c>fastlb train --postgres</c> reads; a table made
/// before the <c>attempt</c> column existed gets it on open.</remarks>
internal sealed class PostgresRequestLogSink : IRequestLogSink
{
    /// <summary>The table written.</summary>
    public const string Table = "request_log";

    private const string Create = $"""
        CREATE TABLE IF NOT EXISTS {Table} (
          ts_unix_ms bigint NOT NULL, request_id text NOT NULL, pool text NOT NULL, backend text NOT NULL,
          route text NOT NULL, method text NOT NULL, req_bytes bigint NOT NULL, status integer NOT NULL,
          latency_ms double precision NOT NULL, ttfb_ms double precision NOT NULL, error text NOT NULL,
          policy text NOT NULL, inflight_backend integer NOT NULL, inflight_pool integer NOT NULL,
          ewma_latency_ms double precision NOT NULL, ewma_error_rate double precision NOT NULL,
          backend_cpu double precision NOT NULL, backend_active integer NOT NULL, backend_avg_ms double precision NOT NULL,
          attempt integer NOT NULL DEFAULT 0);
        ALTER TABLE {Table} ADD COLUMN IF NOT EXISTS attempt integer NOT NULL DEFAULT 0
        """;

    private const string Copy = $"""
        COPY {Table} (ts_unix_ms, request_id, pool, backend, route, method, req_bytes, status, latency_ms, ttfb_ms, error,
          policy, inflight_backend, inflight_pool, ewma_latency_ms, ewma_error_rate, backend_cpu, backend_active, backend_avg_ms, attempt)
        FROM STDIN (FORMAT BINARY)
        """;

    private readonly NpgsqlDataSource _dataSource;

    private PostgresRequestLogSink(NpgsqlDataSource dataSource, string target)
    {
        _dataSource = dataSource;
        Target = target;
    }

    /// <inheritdoc />
    public string Target { get; }

    /// <summary>Connects, creates the table when missing; throws <see cref="NpgsqlException"/> when the server cannot be used.</summary>
    public static async Task<PostgresRequestLogSink> OpenAsync(string connectionString)
    {
        NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);
        try
        {
            await using NpgsqlConnection connection = await dataSource.OpenConnectionAsync().ConfigureAwait(false);
            await using var command = new NpgsqlCommand(Create, connection);
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return new PostgresRequestLogSink(dataSource, $"postgresql://{builder.Host}:{builder.Port}/{builder.Database}#{Table}");
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask WriteAsync(IReadOnlyList<RequestLogEntry> batch)
    {
        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using NpgsqlBinaryImporter import = await connection.BeginBinaryImportAsync(Copy).ConfigureAwait(false);
        for (int i = 0; i < batch.Count; i++)
        {
            RequestLogEntry r = batch[i];
            HealthReport health = r.Health ?? HealthReport.Unknown;
            await import.StartRowAsync().ConfigureAwait(false);
            await import.WriteAsync(r.TsUnixMs, NpgsqlDbType.Bigint).ConfigureAwait(false);
            await import.WriteAsync(r.RequestIdText(), NpgsqlDbType.Text).ConfigureAwait(false);
            await import.WriteAsync(r.Pool ?? "", NpgsqlDbType.Text).ConfigureAwait(false);
            await import.WriteAsync(r.Backend ?? "", NpgsqlDbType.Text).ConfigureAwait(false);
            await import.WriteAsync(r.Route ?? "", NpgsqlDbType.Text).ConfigureAwait(false);
            await import.WriteAsync(RequestLogCsv.MethodName(r.Method), NpgsqlDbType.Text).ConfigureAwait(false);
            await import.WriteAsync(r.ReqBytes, NpgsqlDbType.Bigint).ConfigureAwait(false);
            await import.WriteAsync(r.Status, NpgsqlDbType.Integer).ConfigureAwait(false);
            await import.WriteAsync(r.LatencyMs, NpgsqlDbType.Double).ConfigureAwait(false);
            await import.WriteAsync(r.TtfbMs, NpgsqlDbType.Double).ConfigureAwait(false);
            await import.WriteAsync(RequestLogCsv.ErrorName(r.Error), NpgsqlDbType.Text).ConfigureAwait(false);
            await import.WriteAsync(r.Policy ?? "", NpgsqlDbType.Text).ConfigureAwait(false);
            await import.WriteAsync(r.InflightBackend, NpgsqlDbType.Integer).ConfigureAwait(false);
            await import.WriteAsync(r.InflightPool, NpgsqlDbType.Integer).ConfigureAwait(false);
            await import.WriteAsync(r.EwmaLatencyMs, NpgsqlDbType.Double).ConfigureAwait(false);
            await import.WriteAsync(r.EwmaErrorRate, NpgsqlDbType.Double).ConfigureAwait(false);
            await import.WriteAsync(health.CpuPercent, NpgsqlDbType.Double).ConfigureAwait(false);
            await import.WriteAsync(health.ActiveRequests, NpgsqlDbType.Integer).ConfigureAwait(false);
            await import.WriteAsync(health.AvgResponseMs, NpgsqlDbType.Double).ConfigureAwait(false);
            await import.WriteAsync(r.Attempt, NpgsqlDbType.Integer).ConfigureAwait(false);
        }

        await import.CompleteAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}

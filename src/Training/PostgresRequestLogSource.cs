using System.Diagnostics;
using FastLb.Policy;
using FastLb.Policy.Prediction;
using FastLb.RequestLog;
using Npgsql;

namespace FastLb.Training;

/// <summary>Reads the <c>request_log</c> table (the request log's columns, docs/FORMATS.md) with a binary COPY, into the same rows a CSV log gives.</summary>
/// <remarks>
/// Every column is cast in the query (<c>::float8</c>, <c>::text</c>) so that whatever types the
/// proxy's table uses, the binary stream has the types read here. A row with a NULL timestamp or
/// latency is counted as bad, like a corrupt CSV line, and the same 1% limit applies.
/// </remarks>
internal static class PostgresRequestLogSource
{
    private const string Query =
        "COPY (SELECT ts_unix_ms::bigint, backend::text, route::text, method::text, req_bytes::float8, latency_ms::float8, " +
        "inflight_backend::float8, inflight_pool::float8, ewma_latency_ms::float8, ewma_error_rate::float8, " +
        "backend_cpu::float8, backend_active::float8, backend_avg_ms::float8 FROM request_log) TO STDOUT (FORMAT BINARY)";

    /// <summary>Reads every row of <c>request_log</c>.</summary>
    /// <exception cref="RequestLogException">Bad connection string, no such table or column, no rows, or more than 1% bad rows.</exception>
    public static RequestLogReadResult Read(string connectionString, FeatureVocabulary backends, FeatureVocabulary routes)
    {
        NpgsqlConnection connection;
        try
        {
            connection = new NpgsqlConnection(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new RequestLogException($"--postgres: bad connection string: {e.Message}", e);
        }

        using (connection)
        {
            connection.Open();
            try
            {
                return ReadRows(connection, backends, routes);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.UndefinedColumn)
            {
                throw new RequestLogException($"--postgres: {e.MessageText} (table request_log with the request log's columns is expected)", e);
            }
        }
    }

    private static RequestLogReadResult ReadRows(NpgsqlConnection connection, FeatureVocabulary backends, FeatureVocabulary routes)
    {
        var data = new RequestLogData(64 * 1024);
        var samples = new List<string>();
        long rows = 0;
        long bad = 0;
        using NpgsqlBinaryExporter export = connection.BeginBinaryExport(Query);
        while (export.StartRow() != -1)
        {
            rows++;
            long? ts = ReadLong(export);
            string? backend = ReadText(export);
            string? route = ReadText(export);
            string? method = ReadText(export);
            double reqBytes = ReadDouble(export) ?? -1;
            double? latency = ReadDouble(export);
            var row = new RequestLogRow
            {
                BackendCode = string.IsNullOrEmpty(backend) ? -1 : backends.GetOrAdd(backend),
                RouteCode = string.IsNullOrEmpty(route) ? -1 : routes.GetOrAdd(route),
                Method = method is null ? RequestMethod.Other : LatencyFeatures.ParseMethod(System.Text.Encoding.ASCII.GetBytes(method)),
                RequestBytes = reqBytes,
                InFlightBackend = ReadDouble(export) ?? -1,
                InFlightPool = ReadDouble(export) ?? -1,
                EwmaLatencyMs = ReadDouble(export) ?? -1,
                EwmaErrorRate = ReadDouble(export) ?? -1,
                BackendCpu = ReadDouble(export) ?? -1,
                BackendActive = ReadDouble(export) ?? -1,
                BackendAvgMs = ReadDouble(export) ?? -1,
            };
            if (ts is null || latency is not >= 0)
            {
                bad++;
                if (samples.Count < RequestLogReader.SampleCount)
                {
                    samples.Add($"request_log row {rows}: {(ts is null ? "ts_unix_ms is NULL" : "latency_ms is NULL or negative")}");
                }

                continue;
            }

            data.Add(row, (float)latency.Value, ts.Value);
        }

        if (rows == 0)
        {
            throw new RequestLogException("--postgres: table request_log has no rows");
        }

        if (bad > rows * RequestLogReader.MaxBadFraction)
        {
            throw new RequestLogException($"--postgres: {bad} of {rows} rows are bad, more than 1%; first: {string.Join("; ", samples)}");
        }

        Debug.Assert(data.Count == rows - bad, "every row is either kept or counted bad");
        return new RequestLogReadResult(data, ["postgres:request_log"], rows, bad, samples, 0);
    }

    private static long? ReadLong(NpgsqlBinaryExporter export)
    {
        if (export.IsNull)
        {
            export.Skip();
            return null;
        }

        return export.Read<long>();
    }

    private static double? ReadDouble(NpgsqlBinaryExporter export)
    {
        if (export.IsNull)
        {
            export.Skip();
            return null;
        }

        return export.Read<double>();
    }

    private static string? ReadText(NpgsqlBinaryExporter export)
    {
        if (export.IsNull)
        {
            export.Skip();
            return null;
        }

        return export.Read<string>();
    }
}

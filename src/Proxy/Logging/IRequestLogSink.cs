using FastLb.RequestLog;

namespace FastLb.Proxy.Logging;

/// <summary>Where request log records end up: a CSV file, a PostgreSQL table. Called only from the writer task.</summary>
internal interface IRequestLogSink : IAsyncDisposable
{
    /// <summary>What the sink writes to, for /status (a path, a table).</summary>
    string Target { get; }

    /// <summary>Writes a batch of records.</summary>
    ValueTask WriteAsync(IReadOnlyList<RequestLogEntry> batch);
}

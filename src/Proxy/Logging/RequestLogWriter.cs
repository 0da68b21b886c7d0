using System.Buffers;
using System.Globalization;
using FastLb.Policy.Logging;
using FastLb.Policy;
using FastLb.Proxy.Metrics;

namespace FastLb.Proxy.Logging;

/// <summary>The request log: requests queue entries without waiting; a background task writes them as CSV (DESIGN.md, RequestLogCsv).</summary>
/// <remarks>
/// The proxy never waits on the log: <see cref="TryAppend"/> is one lock-free enqueue, and when the
/// queue is full the record is dropped and counted. Formatting and file I/O happen on the writer task.
/// </remarks>
internal sealed class RequestLogWriter : IAsyncDisposable
{
    private readonly LogRing<RequestLogEntry> _ring;
    private readonly ProxyMetrics _metrics;
    private readonly FileStream _file;
    private readonly ArrayBufferWriter<byte> _lines = new(1 << 16);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <summary>Opens (appends to) <paramref name="path"/>, writing the header when the file is new, and starts the writer.</summary>
    public RequestLogWriter(string path, int capacity, ProxyMetrics metrics)
    {
        _ring = new LogRing<RequestLogEntry>(capacity);
        _metrics = metrics;
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        bool isNew = !File.Exists(path) || new FileInfo(path).Length == 0;
        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 16);
        if (isNew)
        {
            RequestLogCsv.WriteHeader(_lines);
        }

        FilePath = path;
        _loop = Task.Run(WriteLoopAsync);
    }

    /// <summary>The file written.</summary>
    public string FilePath { get; }

    /// <summary>Queues a record; when the queue is full the record is dropped and counted.</summary>
    /// <remarks>Hot path: guarded by ProxyRelayBenchmarks.</remarks>
    public void TryAppend(in RequestLogEntry entry)
    {
        if (!_ring.TryEnqueue(entry))
        {
            _metrics.CountLogDropped();
        }
    }

    private async Task WriteLoopAsync()
    {
        while (true)
        {
            long written = 0;
            while (_ring.TryDequeue(out RequestLogEntry entry))
            {
                RequestLogCsv.Write(_lines, ToRecord(entry));
                written++;
                if (_lines.WrittenCount > 1 << 16)
                {
                    await FlushLinesAsync().ConfigureAwait(false);
                }
            }

            if (written > 0 || _lines.WrittenCount > 0)
            {
                await FlushLinesAsync().ConfigureAwait(false);
                _metrics.CountLogWritten(written);
                continue;
            }

            if (_stop.IsCancellationRequested)
            {
                return;
            }

            try
            {
                // Polling keeps producers free of any wake-up signal (which would cost them an
                // interlocked operation or a lock); 20 ms bounds how stale the file can be.
                await Task.Delay(20, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>The CSV record of <paramref name="e"/>; strings for ids are made here, off the hot path.</summary>
    internal static RequestLogRecord ToRecord(in RequestLogEntry e)
    {
        HealthReport health = e.Health ?? HealthReport.Unknown;
        return new RequestLogRecord
        {
            TsUnixMs = e.TsUnixMs,
            RequestId = e.GivenRequestId ?? e.AssignedRequestId.ToString("x16", CultureInfo.InvariantCulture),
            Pool = e.Pool,
            Backend = e.Backend,
            Route = e.Route ?? "",
            Method = RequestLogCsv.MethodName(e.Method),
            ReqBytes = e.ReqBytes,
            Status = e.Status,
            LatencyMs = e.LatencyMs,
            TtfbMs = e.TtfbMs,
            Error = e.Error,
            Policy = e.Policy,
            InflightBackend = e.InflightBackend,
            InflightPool = e.InflightPool,
            EwmaLatencyMs = e.EwmaLatencyMs,
            EwmaErrorRate = e.EwmaErrorRate,
            BackendCpu = health.CpuPercent,
            BackendActive = health.ActiveRequests,
            BackendAvgMs = health.AvgResponseMs,
        };
    }

    private async ValueTask FlushLinesAsync()
    {
        await _file.WriteAsync(_lines.WrittenMemory).ConfigureAwait(false);
        await _file.FlushAsync().ConfigureAwait(false);
        _lines.ResetWrittenCount();
    }

    /// <summary>Writes what is queued, then closes the file.</summary>
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _loop.ConfigureAwait(false);
        long rest = 0;
        while (_ring.TryDequeue(out RequestLogEntry entry))
        {
            RequestLogCsv.Write(_lines, ToRecord(entry));
            rest++;
        }

        await FlushLinesAsync().ConfigureAwait(false);
        _metrics.CountLogWritten(rest);
        await _file.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}

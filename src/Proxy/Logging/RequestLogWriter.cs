using System.Globalization;
using System.Text;
using FastLb.Policy;
using FastLb.Proxy.Metrics;

namespace FastLb.Proxy.Logging;

/// <summary>The request log: requests queue entries without waiting; a background task writes them as CSV (DESIGN.md).</summary>
/// <remarks>
/// The proxy never waits on the log: <see cref="TryAppend"/> is one lock-free enqueue, and when the
/// queue is full the record is dropped and counted. Formatting and file I/O happen on the writer task.
/// </remarks>
internal sealed class RequestLogWriter : IAsyncDisposable
{
    /// <summary>The header line: DESIGN.md's required columns, in this order.</summary>
    public const string Header =
        "ts_unix_ms,request_id,pool,backend,route,method,req_bytes,status,latency_ms,ttfb_ms,error,policy," +
        "inflight_backend,inflight_pool,ewma_latency_ms,ewma_error_rate,backend_cpu,backend_active,backend_avg_ms";

    private static readonly string[] s_methods = ["OTHER", "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"];
    private static readonly string[] s_errors = ["", "connect", "timeout", "reset", "protocol"];

    private readonly LogRing<RequestLogEntry> _ring;
    private readonly ProxyMetrics _metrics;
    private readonly StreamWriter _writer;
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
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 16), new UTF8Encoding(false), 1 << 16);
        if (isNew)
        {
            _writer.Write(Header);
            _writer.Write('\n');
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
                Format(_writer, entry);
                written++;
            }

            if (written > 0)
            {
                await _writer.FlushAsync().ConfigureAwait(false);
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

    /// <summary>Writes one CSV line for <paramref name="e"/>.</summary>
    internal static void Format(TextWriter w, in RequestLogEntry e)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        w.Write(e.TsUnixMs.ToString(c));
        w.Write(',');
        if (e.GivenRequestId is not null)
        {
            WriteField(w, e.GivenRequestId);
        }
        else
        {
            w.Write(e.AssignedRequestId.ToString("x16", c));
        }

        w.Write(',');
        WriteField(w, e.Pool);
        w.Write(',');
        WriteField(w, e.Backend);
        w.Write(',');
        WriteField(w, e.Route ?? "");
        w.Write(',');
        w.Write(s_methods[(int)e.Method]);
        w.Write(',');
        w.Write(e.ReqBytes.ToString(c));
        w.Write(',');
        w.Write(e.Status.ToString(c));
        w.Write(',');
        w.Write(e.LatencyMs.ToString("0.###", c));
        w.Write(',');
        w.Write(e.TtfbMs.ToString("0.###", c));
        w.Write(',');
        w.Write(s_errors[(int)e.Error]);
        w.Write(',');
        WriteField(w, e.Policy);
        w.Write(',');
        w.Write(e.InflightBackend.ToString(c));
        w.Write(',');
        w.Write(e.InflightPool.ToString(c));
        w.Write(',');
        w.Write(e.EwmaLatencyMs.ToString("0.###", c));
        w.Write(',');
        w.Write(e.EwmaErrorRate.ToString("0.#####", c));
        w.Write(',');
        HealthReport h = e.Health ?? HealthReport.Unknown;
        w.Write(h.CpuPercent.ToString("0.##", c));
        w.Write(',');
        w.Write(h.ActiveRequests.ToString(c));
        w.Write(',');
        w.Write(h.AvgResponseMs.ToString("0.###", c));
        w.Write('\n');
    }

    // RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled.
    private static void WriteField(TextWriter w, string value)
    {
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            w.Write(value);
            return;
        }

        w.Write('"');
        w.Write(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        w.Write('"');
    }

    /// <summary>Writes what is queued, then closes the file.</summary>
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _loop.ConfigureAwait(false);
        while (_ring.TryDequeue(out RequestLogEntry entry))
        {
            Format(_writer, entry);
            _metrics.CountLogWritten(1);
        }

        await _writer.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}

using FastLb.Proxy.Metrics;
using FastLb.RequestLog;

namespace FastLb.Proxy.Logging;

/// <summary>The request log: requests queue entries without waiting; a background task hands them in batches to the sinks (CSV file, PostgreSQL).</summary>
/// <remarks>
/// The proxy never waits on the log: <see cref="TryAppend"/> is one lock-free enqueue, and when the
/// queue is full the record is dropped and counted. Formatting and I/O happen on the writer task;
/// a sink that fails (PostgreSQL down) loses that batch, counted, and the proxy goes on.
/// </remarks>
internal sealed class RequestLogWriter : IAsyncDisposable
{
    private const int BatchSize = 4096;

    private readonly LogRing<RequestLogEntry> _ring;
    private readonly ProxyMetrics _metrics;
    private readonly IReadOnlyList<IRequestLogSink> _sinks;
    private readonly List<RequestLogEntry> _batch = new(BatchSize);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <summary>Starts the writer task over <paramref name="sinks"/>, which it owns from now on.</summary>
    public RequestLogWriter(IReadOnlyList<IRequestLogSink> sinks, int capacity, ProxyMetrics metrics)
    {
        _ring = new LogRing<RequestLogEntry>(capacity);
        _metrics = metrics;
        _sinks = sinks;
        _loop = Task.Run(WriteLoopAsync);
    }

    /// <summary>What the sinks write to.</summary>
    public IEnumerable<string> Targets => _sinks.Select(s => s.Target);

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
            if (await DrainAsync().ConfigureAwait(false) > 0)
            {
                continue;
            }

            if (_stop.IsCancellationRequested)
            {
                return;
            }

            try
            {
                // Polling keeps producers free of any wake-up signal (which would cost them an
                // interlocked operation or a lock); 20 ms bounds how stale the log can be.
                await Task.Delay(20, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>Takes up to one batch off the queue and writes it to every sink; returns the records taken.</summary>
    private async ValueTask<int> DrainAsync()
    {
        _batch.Clear();
        while (_batch.Count < BatchSize && _ring.TryDequeue(out RequestLogEntry entry))
        {
            _batch.Add(entry);
        }

        if (_batch.Count == 0)
        {
            return 0;
        }

        foreach (IRequestLogSink sink in _sinks)
        {
            try
            {
                await sink.WriteAsync(_batch).ConfigureAwait(false);
                _metrics.CountLogWritten(_batch.Count);
            }
            catch (Exception e) when (e is IOException or Npgsql.NpgsqlException or InvalidOperationException or UnauthorizedAccessException)
            {
                _metrics.CountLogSinkFailure(_batch.Count);
                Console.Error.WriteLine($"fastlb: request log {sink.Target}: {_batch.Count} records lost: {e.Message}");
            }
        }

        return _batch.Count;
    }

    /// <summary>Writes what is queued, then closes the sinks.</summary>
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _loop.ConfigureAwait(false);
        while (await DrainAsync().ConfigureAwait(false) > 0)
        {
        }

        foreach (IRequestLogSink sink in _sinks)
        {
            await sink.DisposeAsync().ConfigureAwait(false);
        }

        _stop.Dispose();
    }
}

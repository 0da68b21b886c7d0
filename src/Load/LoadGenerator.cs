using System.Diagnostics;
using System.Net.Sockets;
using HdrHistogram;

namespace FastLb.Load;

/// <summary>Sends HTTP requests at a rate (open loop) or back to back on a fixed number of connections (closed loop) and measures their latency.
/// In open loop each request has an intended send time on a schedule made before the run, and its latency counts from that time, so a target
/// that stalls is charged for every request that should have been sent meanwhile (no coordinated omission).</summary>
public sealed class LoadGenerator : IAsyncDisposable
{
    /// <summary>Request option a source may set to name the kind of request; it comes back in <see cref="LoadSample.Label"/>.</summary>
    public static readonly HttpRequestOptionsKey<string> LabelKey = new("fastlb.load.label");

    /// <summary>Highest latency recorded, µs (one minute); longer ones are clamped to it.</summary>
    public const long HighestTrackableUs = 60_000_000;

    private readonly LoadOptions _options;
    private readonly IRequestSource _source;
    private readonly Action<LoadSample>? _onSample;
    private readonly HttpClient _client;
    private readonly LongConcurrentHistogram _total = new(1, HighestTrackableUs, 3);
    private readonly Recorder _interval = new(1, HighestTrackableUs, 3, (id, low, high, digits) => new LongHistogram(id, low, high, digits));
    private readonly long[] _statusClasses = new long[6];
    private readonly CancellationTokenSource _abandon = new();
    private HistogramBase? _intervalHistogram;
    private long _startTimestamp;
    private long _lastFinishTicks;
    private long _lastSendTicks = long.MinValue;
    private long _requestsSent;
    private long _sent;
    private long _finished;
    private long _inFlight;
    private long _timeouts;
    private long _transport;
    private long _dropped;
    private double _lastProgressS;
    private long _lastProgressFinished;

    /// <summary>A generator for one run of <paramref name="options"/> with requests from <paramref name="source"/>; <paramref name="onSample"/> (optional) hears every finished request, concurrently.</summary>
    public LoadGenerator(LoadOptions options, IRequestSource source, Action<LoadSample>? onSample = null)
    {
        IReadOnlyList<string> errors = options.Validate();
        if (errors.Count > 0) throw new ArgumentException(string.Join("; ", errors), nameof(options));
        _options = options;
        _source = source;
        _onSample = onSample;

        // Process-wide on purpose: the pool starts with one worker per core (two here) and adds more about twice a
        // second once it sees them all busy. With a fixed-delay Kestrel backend in the same process, the test's p99 at
        // 100 req/s came out 600-1090 ms against a 200 ms delay with the default minimum, and inside one bucket of it
        // with 16 (bench/RESULTS.md, load generator accuracy). The sends of an open loop must not wait for the pool to grow.
        ThreadPool.GetMinThreads(out int workers, out int completionPorts);
        int wanted = Math.Min(Math.Max(16, options.Connections / 4), 64);
        if (workers < wanted) ThreadPool.SetMinThreads(wanted, completionPorts);
        _client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.Connections,
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>The counts so far and the latency since the previous call; call from one thread (the progress display).</summary>
    public LoadProgress TakeProgress()
    {
        double now = ElapsedS();
        _intervalHistogram = _interval.GetIntervalHistogram(_intervalHistogram);
        long finished = Interlocked.Read(ref _finished);
        double span = now - _lastProgressS;
        double rps = span > 0 ? (finished - _lastProgressFinished) / span : 0;
        _lastProgressS = now;
        _lastProgressFinished = finished;
        bool any = _intervalHistogram.TotalCount > 0;
        return new LoadProgress(now, Interlocked.Read(ref _sent), finished, CurrentErrors(), Interlocked.Read(ref _inFlight), rps,
            any ? _intervalHistogram.GetValueAtPercentile(50) / 1000.0 : 0, any ? _intervalHistogram.GetValueAtPercentile(99) / 1000.0 : 0);
    }

    /// <summary>Runs to the end of the duration, waits for requests in flight (up to the request timeout), and returns what was measured.
    /// Cancelling stops sending and abandons what is in flight; the result then says <see cref="LoadResult.Cancelled"/>.</summary>
    public async Task<LoadResult> RunAsync(CancellationToken cancellationToken = default)
    {
        // Cancelling the run abandons every request in flight at once.
        using CancellationTokenRegistration registration = cancellationToken.Register(static state => ((CancellationTokenSource)state!).Cancel(), _abandon);
        _startTimestamp = Stopwatch.GetTimestamp();
        if (_options.Closed)
        {
            var workers = new Task[_options.Connections];
            for (int i = 0; i < workers.Length; i++)
            {
                int worker = i;
                workers[i] = Task.Run(() => ClosedWorkerAsync(worker, _abandon.Token), CancellationToken.None);
            }

            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        else
        {
            // The schedule runs on its own thread so that a busy thread pool cannot delay it; each send is
            // handed to the pool, and any lag until it starts is part of its latency.
            // Its end is awaited through a completion source: blocking a pool thread on Join would take one of
            // the few threads a 2-core machine starts with, and every send would queue behind it.
            var scheduled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var scheduler = new Thread(() =>
            {
                try
                {
                    Schedule(_abandon.Token);
                    scheduled.SetResult();
                }
                catch (Exception e)
                {
                    scheduled.SetException(e);
                }
            }) { IsBackground = true, Name = "fastlb-load-schedule", Priority = ThreadPriority.AboveNormal };
            scheduler.Start();
            await scheduled.Task.ConfigureAwait(false);
            await DrainAsync().ConfigureAwait(false);
        }

        double spanS = Math.Max(0, (double)Interlocked.Read(ref _lastFinishTicks) / Stopwatch.Frequency - _options.Warmup.TotalSeconds);
        // The measured sends, over the time from the measured window's intended start to the last actual send (plus one
        // gap, which n evenly spaced sends take): a generator that falls behind stretches that time and shows a lower rate.
        long sends = Interlocked.Read(ref _requestsSent);
        double gapS = _options.Closed ? 0 : 1.0 / _options.Rate;
        double sendSpanS = sends > 0 ? (double)(_lastSendTicks - _startTimestamp) / Stopwatch.Frequency - _options.Warmup.TotalSeconds + gapS : 0;
        double achievedRps = sendSpanS > 0 ? sends / sendSpanS : 0;
        return new LoadResult(_options, _total, Interlocked.Read(ref _sent), [.. _statusClasses], Interlocked.Read(ref _timeouts),
            Interlocked.Read(ref _transport), Interlocked.Read(ref _dropped), spanS, achievedRps, cancellationToken.IsCancellationRequested);
    }

    /// <summary>Closes the connections.</summary>
    public ValueTask DisposeAsync()
    {
        _abandon.Cancel();
        _client.Dispose();
        _abandon.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Schedule(CancellationToken cancellationToken)
    {
        var random = new Random(_options.Seed);
        double durationS = _options.Warmup.TotalSeconds + _options.Duration.TotalSeconds;
        double gapS = 1.0 / _options.Rate;
        double next = 0;
        long n = 0;
        while (!cancellationToken.IsCancellationRequested && next < durationS)
        {
            double now = ElapsedS();
            if (next > now)
            {
                PreciseSleep.Sleep(Math.Min(next - now, 0.05));
                continue;
            }

            Dispatch(next, random);
            n++;
            // Constant spacing is computed from the count, not summed, so no rounding drift builds up over a long run.
            next = _options.Arrivals == ArrivalKind.Constant ? n * gapS : next - Math.Log(1 - random.NextDouble()) * gapS;
        }
    }

    private void Dispatch(double intendedS, Random random)
    {
        if (Measured(intendedS)) Interlocked.Increment(ref _sent);
        if (Interlocked.Read(ref _inFlight) >= _options.MaxInFlight)
        {
            Interlocked.Increment(ref _dropped);
            Finish(intendedS, 0, 0, LoadOutcome.Dropped, null);
            return;
        }

        HttpRequestMessage request = _source.Create(_options.Target, random);
        Interlocked.Increment(ref _inFlight);
        long intendedTicks = _startTimestamp + (long)(intendedS * Stopwatch.Frequency);
        ThreadPool.UnsafeQueueUserWorkItem(static state => _ = state.Self.SendAsync(state.Request, state.IntendedS, state.IntendedTicks, state.Token),
            (Self: this, Request: request, IntendedS: intendedS, IntendedTicks: intendedTicks, Token: CancellationToken.None), preferLocal: false);
    }

    private async Task ClosedWorkerAsync(int worker, CancellationToken cancellationToken)
    {
        var random = new Random(_options.Seed + worker * 7919);
        double durationS = _options.Warmup.TotalSeconds + _options.Duration.TotalSeconds;
        while (!cancellationToken.IsCancellationRequested)
        {
            double now = ElapsedS();
            if (now >= durationS) break;
            if (Measured(now)) Interlocked.Increment(ref _sent);
            Interlocked.Increment(ref _inFlight);
            await SendAsync(_source.Create(_options.Target, random), now, Stopwatch.GetTimestamp(), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SendAsync(HttpRequestMessage request, double intendedS, long intendedTicks, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _abandon.Token);
        timeout.CancelAfter(_options.RequestTimeout);
        // When the request actually went to the HTTP client: the achieved send rate is measured from these moments.
        long started = Stopwatch.GetTimestamp();
        if (Measured(intendedS))
        {
            Interlocked.Increment(ref _requestsSent);
            UpdateMax(ref _lastSendTicks, started);
        }

        int status = 0;
        string? body = null;
        LoadOutcome outcome;
        try
        {
            using HttpResponseMessage response = await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            status = (int)response.StatusCode;
            if (_source.WantsBodies) body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            outcome = LoadOutcome.Response;
        }
        catch (OperationCanceledException) when (!_abandon.IsCancellationRequested)
        {
            outcome = LoadOutcome.Timeout;
        }
        catch (OperationCanceledException)
        {
            // Abandoned at the end of a cancelled run: not a measurement.
            Interlocked.Decrement(ref _inFlight);
            request.Dispose();
            return;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or SocketException)
        {
            outcome = LoadOutcome.Transport;
        }

        long latencyUs = (long)Stopwatch.GetElapsedTime(intendedTicks).TotalMicroseconds;
        try
        {
            _source.Observe(request, status, body);
        }
        finally
        {
            string? label = request.Options.TryGetValue(LabelKey, out string? l) ? l : null;
            request.Dispose();
            Finish(intendedS, Math.Max(1, latencyUs), status, outcome, label);
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private void Finish(double intendedS, long latencyUs, int status, LoadOutcome outcome, string? label)
    {
        if (!Measured(intendedS)) return;
        switch (outcome)
        {
            case LoadOutcome.Response:
                Interlocked.Increment(ref _statusClasses[status is >= 100 and < 600 ? status / 100 : 0]);
                break;
            case LoadOutcome.Timeout:
                Interlocked.Increment(ref _timeouts);
                break;
            case LoadOutcome.Transport:
                Interlocked.Increment(ref _transport);
                break;
        }

        if (outcome != LoadOutcome.Dropped)
        {
            long clamped = Math.Min(latencyUs, HighestTrackableUs);
            _total.RecordValue(clamped);
            _interval.RecordValue(clamped);
        }

        UpdateMax(ref _lastFinishTicks, Stopwatch.GetTimestamp() - _startTimestamp);

        Interlocked.Increment(ref _finished);
        _onSample?.Invoke(new LoadSample(intendedS, latencyUs, status, outcome, label));
    }

    private async Task DrainAsync()
    {
        // Requests still in flight end within the request timeout (each has its own), or at once when the run is cancelled.
        long deadline = Stopwatch.GetTimestamp() + (long)(_options.RequestTimeout.TotalSeconds * Stopwatch.Frequency) + Stopwatch.Frequency;
        while (Interlocked.Read(ref _inFlight) > 0 && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(5, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static void UpdateMax(ref long field, long value)
    {
        long seen = Interlocked.Read(ref field);
        while (value > seen)
        {
            long witnessed = Interlocked.CompareExchange(ref field, value, seen);
            if (witnessed == seen) return;
            seen = witnessed;
        }
    }

    private bool Measured(double intendedS) => intendedS >= _options.Warmup.TotalSeconds;

    private long CurrentErrors() => Interlocked.Read(ref _statusClasses[5]) + Interlocked.Read(ref _timeouts) + Interlocked.Read(ref _transport) + Interlocked.Read(ref _dropped);

    private double ElapsedS() => Stopwatch.GetElapsedTime(_startTimestamp).TotalSeconds;
}

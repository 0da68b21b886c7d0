using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using Prometheus;

namespace FastLb.Backends.Hosting;

/// <summary>Counters of one instance, exposed through a prometheus-net registry of its own; thread-safe.</summary>
/// <remarks>
/// A registry per instance, never the static default one: tests and the demo run many instances in
/// one process. Requests are observed into a prometheus-net histogram and counter as they end;
/// the gauges (active, queued, knobs, CPU) and the injected-error and event counts are set from the
/// instance's own state by a before-collect callback when scraped. Names, types, help texts and
/// labels are those of the hand-written writer this replaced.
/// </remarks>
internal sealed class BackendMetrics
{
    /// <summary>Upper bounds of the request duration histogram, in seconds.</summary>
    private static readonly double[] s_bounds = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly CollectorRegistry _registry = Prometheus.Metrics.NewCustomRegistry();
    private readonly string[] _labels;
    private readonly Counter _requests;
    private readonly Histogram.Child _duration;
    private readonly ConcurrentDictionary<string, StrongBox<long>> _events = new(StringComparer.Ordinal);
    private readonly Counter _eventsCounter;
    private readonly Counter.Child _injectedCounter;
    private readonly Gauge.Child _active, _queued, _avg, _cpu, _delay, _errorRate, _capacity;
    private readonly SemaphoreSlim _scrape = new(1, 1);
    private long _injected;
    private RequestStats? _stats;
    private FaultState? _faults;

    /// <summary>Creates the metrics labelled with the service and instance name.</summary>
    public BackendMetrics(string service, string instance)
    {
        _labels = [service, instance];
        IMetricFactory factory = Prometheus.Metrics.WithCustomRegistry(_registry);
        string[] names = ["service", "instance"];
        _requests = factory.CreateCounter("fastlb_backend_requests_total", "Requests answered, by HTTP status.", [.. names, "code"]);
        _duration = factory.CreateHistogram(
            "fastlb_backend_request_duration_seconds",
            "Time to answer a request, queueing and injected delay included.",
            names,
            new HistogramConfiguration { Buckets = s_bounds }).WithLabels(_labels);
        _active = Gauge(factory, "fastlb_backend_active_requests", "Requests being served or queued.", names);
        _queued = Gauge(factory, "fastlb_backend_queued_requests", "Requests waiting for a capacity slot.", names);
        _avg = Gauge(factory, "fastlb_backend_avg_response_seconds", "Smoothed response time (avg_response_ms of /health, in seconds).", names);
        _cpu = Gauge(factory, "fastlb_backend_cpu_percent", "Process CPU use in percent, as in /health.", names);
        _delay = Gauge(factory, "fastlb_backend_fault_delay_seconds", "Injected fixed delay.", names);
        _errorRate = Gauge(factory, "fastlb_backend_fault_error_rate", "Injected error rate.", names);
        _capacity = Gauge(factory, "fastlb_backend_capacity", "Concurrent requests served, 0 for unlimited.", names);
        _injectedCounter = factory.CreateCounter("fastlb_backend_injected_errors_total", "Requests failed on purpose by the error-rate knob.", names).WithLabels(_labels);
        _eventsCounter = factory.CreateCounter("fastlb_backend_events_total", "Domain events (orders paid or failed, payments declined, ...).", [.. names, "event"]);
        _registry.AddBeforeCollectCallback(Publish);
    }

    /// <summary>Counts a finished request.</summary>
    public void Observe(int status, double elapsedMs)
    {
        _requests.WithLabels(_labels[0], _labels[1], StatusLabel(status)).Inc();
        _duration.Observe(elapsedMs / 1000.0);
    }

    /// <summary>Counts an error answered by fault injection.</summary>
    public void InjectedError() => Interlocked.Increment(ref _injected);

    /// <summary>Counts a domain event (order_paid, payment_declined, ...); names must be snake_case.</summary>
    public void Event(string name) => Interlocked.Increment(ref _events.GetOrAdd(name, static _ => new StrongBox<long>()).Value);

    /// <summary>The count of a domain event so far.</summary>
    public long EventCount(string name) => _events.TryGetValue(name, out var box) ? Volatile.Read(ref box.Value) : 0;

    /// <summary>The exposition (text format 0.0.4) now, with the gauges read from <paramref name="stats"/> and <paramref name="faults"/>.</summary>
    public async Task<string> WriteAsync(RequestStats stats, FaultState faults)
    {
        await _scrape.WaitAsync().ConfigureAwait(false);
        try
        {
            _stats = stats;
            _faults = faults;
            using var stream = new MemoryStream();
            await _registry.CollectAndExportAsTextAsync(stream).ConfigureAwait(false);
            return Encoding.UTF8.GetString(stream.ToArray());
        }
        finally
        {
            _scrape.Release();
        }
    }

    private void Publish()
    {
        if (_stats is { } stats && _faults is { } faults)
        {
            _active.Set(stats.Active);
            _queued.Set(faults.Queued);
            _avg.Set(stats.AvgResponseMs / 1000.0);
            _cpu.Set(stats.CpuPercent());
            FaultSnapshot f = faults.Current;
            _delay.Set(f.DelayMs / 1000.0);
            _errorRate.Set(f.ErrorRate);
            _capacity.Set(f.Capacity);
        }

        _injectedCounter.IncTo(Volatile.Read(ref _injected));
        foreach (var pair in _events)
        {
            _eventsCounter.WithLabels(_labels[0], _labels[1], pair.Key).IncTo(Volatile.Read(ref pair.Value.Value));
        }
    }

    private Gauge.Child Gauge(IMetricFactory factory, string name, string help, string[] names) =>
        factory.CreateGauge(name, help, names).WithLabels(_labels);

    // The common statuses without a string per request.
    private static string StatusLabel(int status) => status switch
    {
        200 => "200",
        201 => "201",
        204 => "204",
        400 => "400",
        404 => "404",
        409 => "409",
        500 => "500",
        503 => "503",
        _ => status.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

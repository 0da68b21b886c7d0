using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace FastLb.Backends.Hosting;

/// <summary>Counters of one instance, written as Prometheus text format 0.0.4 by <see cref="Write"/>; thread-safe.</summary>
internal sealed class BackendMetrics
{
    /// <summary>Upper bounds of the request duration histogram, in seconds.</summary>
    private static readonly double[] s_bounds = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly string _service;
    private readonly string _instance;
    private readonly ConcurrentDictionary<int, StrongBox<long>> _byStatus = new();
    private readonly ConcurrentDictionary<string, StrongBox<long>> _events = new(StringComparer.Ordinal);
    private readonly long[] _buckets = new long[s_bounds.Length];
    private long _count;
    private long _sumMicros;
    private long _injected;

    /// <summary>Creates the metrics labelled with the service and instance name.</summary>
    public BackendMetrics(string service, string instance)
    {
        _service = service;
        _instance = instance;
    }

    /// <summary>Counts a finished request.</summary>
    public void Observe(int status, double elapsedMs)
    {
        Interlocked.Increment(ref _byStatus.GetOrAdd(status, static _ => new StrongBox<long>()).Value);
        double seconds = elapsedMs / 1000.0;
        for (int i = 0; i < s_bounds.Length; i++)
        {
            if (seconds <= s_bounds[i])
            {
                Interlocked.Increment(ref _buckets[i]);
                break;
            }
        }

        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sumMicros, (long)(elapsedMs * 1000));
    }

    /// <summary>Counts an error answered by fault injection.</summary>
    public void InjectedError() => Interlocked.Increment(ref _injected);

    /// <summary>Counts a domain event (order_paid, payment_declined, ...); names must be snake_case.</summary>
    public void Event(string name) => Interlocked.Increment(ref _events.GetOrAdd(name, static _ => new StrongBox<long>()).Value);

    /// <summary>The count of a domain event so far.</summary>
    public long EventCount(string name) => _events.TryGetValue(name, out var box) ? Volatile.Read(ref box.Value) : 0;

    /// <summary>Writes every series once, in Prometheus text format.</summary>
    public string Write(RequestStats stats, FaultState faults)
    {
        var sb = new StringBuilder(2048);
        string labels = $"service=\"{_service}\",instance=\"{Escape(_instance)}\"";

        sb.Append("# HELP fastlb_backend_requests_total Requests answered, by HTTP status.\n");
        sb.Append("# TYPE fastlb_backend_requests_total counter\n");
        foreach (var pair in _byStatus.OrderBy(p => p.Key))
        {
            sb.Append(CultureInfo.InvariantCulture, $"fastlb_backend_requests_total{{{labels},code=\"{pair.Key}\"}} {Volatile.Read(ref pair.Value.Value)}\n");
        }

        sb.Append("# HELP fastlb_backend_request_duration_seconds Time to answer a request, queueing and injected delay included.\n");
        sb.Append("# TYPE fastlb_backend_request_duration_seconds histogram\n");
        long cumulative = 0;
        for (int i = 0; i < s_bounds.Length; i++)
        {
            cumulative += Volatile.Read(ref _buckets[i]);
            sb.Append(CultureInfo.InvariantCulture, $"fastlb_backend_request_duration_seconds_bucket{{{labels},le=\"{s_bounds[i]}\"}} {cumulative}\n");
        }

        long count = Volatile.Read(ref _count);
        sb.Append(CultureInfo.InvariantCulture, $"fastlb_backend_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {count}\n");
        sb.Append(CultureInfo.InvariantCulture, $"fastlb_backend_request_duration_seconds_sum{{{labels}}} {Volatile.Read(ref _sumMicros) / 1e6}\n");
        sb.Append(CultureInfo.InvariantCulture, $"fastlb_backend_request_duration_seconds_count{{{labels}}} {count}\n");

        Gauge(sb, "fastlb_backend_active_requests", "Requests being served or queued.", labels, stats.Active);
        Gauge(sb, "fastlb_backend_queued_requests", "Requests waiting for a capacity slot.", labels, faults.Queued);
        Gauge(sb, "fastlb_backend_avg_response_seconds", "Smoothed response time (avg_response_ms of /health, in seconds).", labels, stats.AvgResponseMs / 1000.0);
        Gauge(sb, "fastlb_backend_cpu_percent", "Process CPU use in percent, as in /health.", labels, stats.CpuPercent());
        FaultSnapshot f = faults.Current;
        Gauge(sb, "fastlb_backend_fault_delay_seconds", "Injected fixed delay.", labels, f.DelayMs / 1000.0);
        Gauge(sb, "fastlb_backend_fault_error_rate", "Injected error rate.", labels, f.ErrorRate);
        Gauge(sb, "fastlb_backend_capacity", "Concurrent requests served, 0 for unlimited.", labels, f.Capacity);

        sb.Append("# HELP fastlb_backend_injected_errors_total Requests failed on purpose by the error-rate knob.\n");
        sb.Append("# TYPE fastlb_backend_injected_errors_total counter\n");
        sb.Append(CultureInfo.InvariantCulture, $"fastlb_backend_injected_errors_total{{{labels}}} {Volatile.Read(ref _injected)}\n");

        sb.Append("# HELP fastlb_backend_events_total Domain events (orders paid or failed, payments declined, ...).\n");
        sb.Append("# TYPE fastlb_backend_events_total counter\n");
        foreach (var pair in _events.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            sb.Append(CultureInfo.InvariantCulture, $"fastlb_backend_events_total{{{labels},event=\"{pair.Key}\"}} {Volatile.Read(ref pair.Value.Value)}\n");
        }

        return sb.ToString();
    }

    private static void Gauge(StringBuilder sb, string name, string help, string labels, double value)
    {
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        sb.Append("# TYPE ").Append(name).Append(" gauge\n");
        sb.Append(CultureInfo.InvariantCulture, $"{name}{{{labels}}} {value}\n");
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}

using System.Diagnostics;

namespace FastLb.Backends.Hosting;

/// <summary>What <c>GET /health</c> reports: active requests, smoothed response time, process CPU; thread-safe.</summary>
internal sealed class RequestStats
{
    private const double Alpha = 0.1;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private int _active;
    private double _avgMs;
    private bool _hasAvg;
    private long _cpuStamp;
    private TimeSpan _cpuTotal;
    private double _cpuPercent;

    /// <summary>Creates the stats with the instance's clock.</summary>
    public RequestStats(TimeProvider time)
    {
        _time = time;
        _cpuStamp = time.GetTimestamp();
        _cpuTotal = Process.GetCurrentProcess().TotalProcessorTime;
    }

    /// <summary>Requests being served or queued right now.</summary>
    public int Active => Volatile.Read(ref _active);

    /// <summary>Exponentially smoothed response time (alpha 0.1), 0 before the first request.</summary>
    public double AvgResponseMs
    {
        get { lock (_lock) return _avgMs; }
    }

    /// <summary>Marks a request started.</summary>
    public void Begin() => Interlocked.Increment(ref _active);

    /// <summary>Marks a request finished after <paramref name="elapsedMs"/>.</summary>
    public void End(double elapsedMs)
    {
        Interlocked.Decrement(ref _active);
        lock (_lock)
        {
            _avgMs = _hasAvg ? _avgMs + (Alpha * (elapsedMs - _avgMs)) : elapsedMs;
            _hasAvg = true;
        }
    }

    /// <summary>Process CPU use in percent of one core per core available, over the time since the last sample (at least 100 ms).</summary>
    public double CpuPercent()
    {
        lock (_lock)
        {
            long now = _time.GetTimestamp();
            TimeSpan wall = _time.GetElapsedTime(_cpuStamp, now);
            if (wall < TimeSpan.FromMilliseconds(100)) return _cpuPercent;
            TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
            _cpuPercent = Math.Clamp((cpu - _cpuTotal).TotalMilliseconds / wall.TotalMilliseconds / Environment.ProcessorCount * 100.0, 0, 100);
            _cpuStamp = now;
            _cpuTotal = cpu;
            return _cpuPercent;
        }
    }
}

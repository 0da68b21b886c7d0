using FastLb.Policy;
using FastLb.Proxy.Configuration;
using FastLb.Proxy.Metrics;
using FastLb.Proxy.Runtime;

namespace FastLb.Proxy.Health;

/// <summary>The proxy's passive watch, four times a second off the request path: circuit breakers' timing, latency-outlier ejection, slow-start ramps and retry budgets.</summary>
/// <remarks>
/// Requests only count (a failure into the breaker, a retry out of the budget); everything that
/// needs a clock or a look across a pool happens here, over the snapshot in use at each tick. Each
/// tick runs alone (the timer does not overlap its callbacks: a tick skipped while the last one runs
/// is simply late).
/// </remarks>
internal sealed class PassiveMonitor : IDisposable
{
    /// <summary>Time between ticks.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    /// <summary>The share a ramping backend starts from.</summary>
    public const double RampFloor = 0.1;

    /// <summary>The window over which a pool's recent p95 (the hedge delay) is taken.</summary>
    private static readonly TimeSpan s_p95Window = TimeSpan.FromSeconds(2);

    private readonly Dictionary<LatencyHistogram, (long[] Cumulative, long At)> _latencySeen = [];
    private readonly RoutingSource _routing;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private int _ticking;

    /// <summary>Starts ticking over the snapshot <paramref name="routing"/> holds at each tick.</summary>
    public PassiveMonitor(RoutingSource routing, TimeProvider time)
    {
        _routing = routing;
        _time = time;
        _timer = time.CreateTimer(static state => ((PassiveMonitor)state!).Tick(), this, Interval, Interval);
    }

    /// <summary>One pass over every pool; public so tests can advance it without waiting.</summary>
    public void Tick()
    {
        if (Interlocked.Exchange(ref _ticking, 1) == 1)
        {
            return;
        }

        try
        {
            long now = _time.GetTimestamp();
            RoutingSnapshot snapshot = _routing.Current;
            foreach (PoolRuntime pool in snapshot.Pools)
            {
                long requests = 0;
                foreach (BackendRuntime backend in pool.Backends)
                {
                    backend.Breaker.Tick();
                    requests += backend.State.Requests;
                }

                if (pool.Config.Outlier is { } outlier)
                {
                    Eject(pool, outlier, now);
                }

                Ramp(pool, now);
                pool.RetryBudget.Refill(_time, now, requests, pool.Metrics.Retries, pool.Config.RetryBudgetPercent, pool.Config.RetryBudgetMinPerSecond);
                double hedgePercent = HedgePercent(snapshot, pool.Name);
                if (hedgePercent > 0)
                {
                    pool.HedgeBudget.Refill(_time, now, requests, pool.Metrics.Hedges, hedgePercent, 0);
                    TrackP95(pool, now);
                }
            }

            if (_latencySeen.Count > snapshot.Pools.Length)
            {
                // A reload removed a pool (or stopped its hedging): forget the histograms no pool of the snapshot holds.
                foreach (LatencyHistogram gone in _latencySeen.Keys.Where(h => !snapshot.Pools.Any(p => ReferenceEquals(p.Latency, h))).ToList())
                {
                    _latencySeen.Remove(gone);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _ticking, 0);
        }
    }

    /// <summary>The largest <c>hedge.maxPercent</c> of the routes to <paramref name="pool"/>, 0 when none hedges.</summary>
    private static double HedgePercent(RoutingSnapshot snapshot, string pool)
    {
        double percent = 0;
        foreach (RouteConfig route in snapshot.Config.Routes)
        {
            if (route.Hedge is { } hedge && route.Pool == pool)
            {
                percent = Math.Max(percent, hedge.MaxPercent);
            }
        }

        return percent;
    }

    /// <summary>Every 2 s, the p95 of the pool's requests since the last time (the upper bound of its histogram bucket), once 20 or more came.</summary>
    private void TrackP95(PoolRuntime pool, long now)
    {
        (long[] cumulative, _, _) = pool.Latency.Read();
        if (!_latencySeen.TryGetValue(pool.Latency, out var seen))
        {
            _latencySeen[pool.Latency] = (cumulative, now);
            return;
        }

        if (_time.GetElapsedTime(seen.At, now) < s_p95Window)
        {
            return;
        }

        long total = cumulative[^1] - seen.Cumulative[^1];
        if (total >= 20)
        {
            long rank = (long)Math.Ceiling(total * 0.95);
            double[] bounds = LatencyHistogram.BoundsSeconds;
            double p95 = bounds[^1] * 1000;
            for (int i = 0; i < bounds.Length; i++)
            {
                if (cumulative[i] - seen.Cumulative[i] >= rank)
                {
                    p95 = bounds[i] * 1000;
                    break;
                }
            }

            pool.RecentP95Ms = p95;
        }

        _latencySeen[pool.Latency] = (cumulative, now);
    }

    /// <summary>Ends ejections that ran out, then ejects backends whose latency stayed above the ratio of the others' median for the window, within the pool's cap.</summary>
    private void Eject(PoolRuntime pool, OutlierOptions outlier, long now)
    {
        BackendRuntime[] backends = pool.Backends;
        int ejected = 0;
        foreach (BackendRuntime backend in backends)
        {
            BackendWatch watch = backend.Watch;
            if (watch.IsEjected && now >= watch.EjectedUntil)
            {
                watch.EjectedUntil = 0;
                watch.SlowSince = 0;
                watch.LastEjectionEnded = now;
                backend.State.SetOut(OutReason.Ejected, false);
            }
            else if (!watch.IsEjected && watch.Streak > 0 && _time.GetElapsedTime(watch.LastEjectionEnded, now).TotalMilliseconds > outlier.MaxEjectionMs)
            {
                // Well behaved for as long as the longest ejection: the next one starts short again.
                watch.Streak = 0;
            }

            if (watch.IsEjected)
            {
                ejected++;
            }
        }

        int cap = Math.Min(backends.Length - 1, backends.Length * outlier.MaxEjectedPercent / 100);
        Span<double> others = stackalloc double[backends.Length];
        foreach (BackendRuntime backend in backends)
        {
            BackendWatch watch = backend.Watch;
            if (watch.IsEjected)
            {
                continue;
            }

            double latency = backend.State.EwmaLatencyMs;
            double median = MedianOfOthers(backends, backend, others);
            if (latency < outlier.MinLatencyMs || median <= 0 || latency <= outlier.Ratio * median)
            {
                watch.SlowSince = 0;
                continue;
            }

            if (watch.SlowSince == 0)
            {
                watch.SlowSince = now;
                continue;
            }

            if (_time.GetElapsedTime(watch.SlowSince, now).TotalMilliseconds < outlier.WindowMs || ejected >= cap)
            {
                continue;
            }

            long length = Math.Min((long)outlier.BaseEjectionMs << Math.Min(watch.Streak, 20), outlier.MaxEjectionMs);
            watch.Streak++;
            watch.Ejections++;
            watch.EjectedUntil = now + (length * _time.TimestampFrequency / 1000);
            watch.SlowSince = 0;
            backend.State.SetOut(OutReason.Ejected, true);
            ejected++;
        }
    }

    /// <summary>The median smoothed latency of the backends other than <paramref name="self"/> that are in rotation and have answered; 0 when there are none.</summary>
    private static double MedianOfOthers(BackendRuntime[] backends, BackendRuntime self, Span<double> scratch)
    {
        int count = 0;
        foreach (BackendRuntime other in backends)
        {
            if (!ReferenceEquals(other, self) && other.State.IsAvailable && other.State.Requests > 0)
            {
                scratch[count++] = other.State.EwmaLatencyMs;
            }
        }

        if (count == 0)
        {
            return 0;
        }

        Span<double> values = scratch[..count];
        values.Sort();
        return count % 2 == 1 ? values[count / 2] : (values[(count / 2) - 1] + values[count / 2]) / 2;
    }

    /// <summary>Starts a ramp for each backend that came back into rotation and moves every ramp on; ramps end at full share.</summary>
    private void Ramp(PoolRuntime pool, long now)
    {
        int rampMs = pool.Config.SlowStartMs;
        foreach (BackendRuntime backend in pool.Backends)
        {
            BackendWatch watch = backend.Watch;
            bool isIn = backend.State.IsAvailable;
            if (isIn && !watch.WasIn && rampMs > 0)
            {
                watch.RampStart = now;
            }

            watch.WasIn = isIn;
            if (watch.RampStart == 0)
            {
                continue;
            }

            double elapsed = _time.GetElapsedTime(watch.RampStart, now).TotalMilliseconds;
            if (rampMs <= 0 || elapsed >= rampMs)
            {
                watch.RampStart = 0;
                backend.State.SetShare(1.0);
            }
            else
            {
                backend.State.SetShare(RampFloor + ((1 - RampFloor) * elapsed / rampMs));
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _timer.Dispose();
}

using FastLb.Policy;
using FastLb.RequestLog;

namespace FastLb.Simulation;

/// <summary>The simulator's background events (slowdowns, health reports), its request log, and the end-of-run measures.</summary>
internal sealed partial class Simulator
{
    private double DrawSlowdown(SlowdownSpec slowdowns)
    {
        double u = _slowdownRandom.NextDouble();
        double cumulative = 0;
        foreach (SlowdownFactorSpec factor in slowdowns.Factors!)
        {
            cumulative += factor.P;
            if (u < cumulative)
            {
                return factor.Factor;
            }
        }

        return slowdowns.Factors![^1].Factor;
    }

    private void OnSlowdown(int backend)
    {
        SlowdownSpec slowdowns = _scenario.Spec.Slowdowns!;
        _backends[backend].Slowdown = DrawSlowdown(slowdowns);
        _events.Push(_clock.NowSeconds + _slowdownRandom.NextExponential(slowdowns.MeanIntervalS), SimEventKind.Slowdown, backend);
    }

    /// <summary>Publishes what a backend's <c>/health</c> would say (docs/FORMATS.md, "Backend health report"): busy slots as CPU, requests at the backend, its mean time per request over the interval.</summary>
    private void OnHealth()
    {
        double now = _clock.NowSeconds;
        long timestamp = _clock.GetTimestamp();
        bool eject = _scenario.Spec.EjectUnhealthy;
        foreach (SimBackend backend in _backends)
        {
            double busy = backend.TakeBusyIntegral(now);
            HealthReport report;
            if (backend.IsRefusing(now))
            {
                // A backend that refuses connections does not answer its health check either.
                report = new HealthReport(HealthStatus.Unhealthy, -1, -1, -1, timestamp);
            }
            else
            {
                double cpu = Math.Min(100, busy / (_healthIntervalS * backend.Slots) * 100);
                if (backend.IntervalCompletions > 0)
                {
                    backend.LastAvgMs = backend.IntervalLatencySum / backend.IntervalCompletions * 1000;
                }

                report = new HealthReport(HealthStatus.Healthy, cpu, backend.Busy + backend.QueueCount, backend.LastAvgMs, timestamp);
            }

            backend.IntervalCompletions = 0;
            backend.IntervalLatencySum = 0;
            foreach (BackendState[] states in _states)
            {
                states[backend.Index].SetHealth(report);
                if (eject)
                {
                    states[backend.Index].SetAvailable(report.Status != HealthStatus.Unhealthy);
                }
            }
        }

        _events.Push(now + _healthIntervalS, SimEventKind.Health, 0);
    }

    private void WriteLog(ref SimRequest request, in RequestOutcome outcome)
    {
        ref RequestLogEntry record = ref request.Log;
        record.TsUnixMs = SimulatedTimeProvider.Epoch.ToUnixTimeMilliseconds() + (long)(request.Arrival * 1000);
        record.GivenRequestId = $"s{_options.Seed}-{request.Number}";
        record.Pool = _options.PoolName;
        record.Backend = _backends[request.Backend].Id;
        record.Route = "/";
        record.Method = RequestMethod.Get;
        record.ReqBytes = -1;
        record.Status = outcome.Status;
        record.LatencyMs = (_clock.NowSeconds - request.Arrival) * 1000;
        record.TtfbMs = record.LatencyMs;
        record.Error = outcome.Error;
        record.Policy = _policyName;
        record.Attempt = request.Attempt;
        RequestLogCsv.Write(_log!, record);
        if (_log!.WrittenCount >= LogFlushBytes)
        {
            FlushLog();
        }
    }

    private void FlushLog()
    {
        _options.Log!.Write(_log!.WrittenSpan);
        _log.ResetWrittenCount();
    }

    private void Finish()
    {
        if (_log is not null)
        {
            FlushLog();
        }

        double end = Math.Min(_endS, _result.Requests > 0 && _options.MaxRequests is { } max && _result.Requests >= max ? _lastMeasuredArrival : _endS);
        _result.MeasuredSeconds = Math.Max(0, end - _warmupS);
        foreach (SimBackend backend in _backends)
        {
            _result.Picks[backend.Index] = backend.MeasuredPicks;
        }

        _result.P99BySeed.Add(_result.Latency.Percentile(0.99));
        foreach (WatchResult watch in _result.Watches)
        {
            MeasureWatch(watch, end);
        }

        // Policies that hold timers (or anything else) are done with: the run's clock stops here.
        foreach (Balancer balancer in _balancers)
        {
            (balancer.Policy as IDisposable)?.Dispose();
        }

        _options.Progress?.Invoke(1);
    }

    private WatchResult[] CreateWatches(List<WatchSpec> specs)
    {
        var watches = new WatchResult[specs.Count];
        for (int i = 0; i < specs.Count; i++)
        {
            WatchSpec spec = specs[i];
            double onset = _warmupS + spec.FromS;
            double total = 0;
            foreach (SimBackend backend in _backends)
            {
                total += backend.CapacityAt(onset);
            }

            double nominalShare = _scenario.BackendCapacityRps[spec.Backend] / _scenario.NominalCapacityRps;
            double atOnset = _backends[spec.Backend].CapacityAt(onset);
            double divert = spec.DivertShare ?? (atOnset > 0 && total > 0 ? 1.5 * atOnset / total : 0.1 * nominalShare);
            double recover = spec.RecoverShare ?? 0.8 * nominalShare;
            watches[i] = new WatchResult(spec.Backend, _backends[spec.Backend].Id, spec.FromS, spec.ToS, divert, recover);
        }

        return watches;
    }

    /// <summary>Slides a 1 s window in 100 ms steps over the picks: divert time from onset, recovery time from the end of the impairment.</summary>
    private void MeasureWatch(WatchResult watch, double runEnd)
    {
        int onset = (int)Math.Round((_warmupS + watch.FromS) / WindowS);
        int recoverFrom = (int)Math.Round((_warmupS + watch.ToS) / WindowS);
        int lastWindow = Math.Min(_windowCount, (int)Math.Floor(runEnd / WindowS));
        watch.DivertS.Add(FirstWindow(watch.Backend, onset, Math.Min(recoverFrom, lastWindow), share => share < watch.DivertShare) is { } d
            ? (d + WindowsPerShare - onset) * WindowS
            : null);
        watch.RecoveryS.Add(FirstWindow(watch.Backend, recoverFrom, lastWindow, share => share >= watch.RecoverShare) is { } r
            ? (r + WindowsPerShare - recoverFrom) * WindowS
            : null);
        watch.WindowShare.Add(ShareBetween(watch.Backend, onset, Math.Min(recoverFrom, lastWindow)));
    }

    private double ShareBetween(int backend, int from, int to)
    {
        int n = _backends.Length;
        long mine = 0, all = 0;
        for (int w = from; w < to; w++)
        {
            for (int i = 0; i < n; i++)
            {
                all += _windowPicks![(w * n) + i];
            }

            mine += _windowPicks![(w * n) + backend];
        }

        return all == 0 ? 0 : (double)mine / all;
    }

    private int? FirstWindow(int backend, int from, int to, Func<double, bool> test)
    {
        int n = _backends.Length;
        for (int start = from; start + WindowsPerShare <= to; start++)
        {
            long mine = 0, all = 0;
            for (int w = start; w < start + WindowsPerShare; w++)
            {
                for (int i = 0; i < n; i++)
                {
                    all += _windowPicks![(w * n) + i];
                }

                mine += _windowPicks![(w * n) + backend];
            }

            if (all > 0 && test((double)mine / all))
            {
                return start;
            }
        }

        return null;
    }
}

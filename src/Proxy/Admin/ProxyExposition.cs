using System.Globalization;
using System.Text;
using FastLb.Proxy.Configuration;
using FastLb.Proxy.Forwarding;
using FastLb.Proxy.Http;
using FastLb.Proxy.Metrics;
using FastLb.Proxy.Runtime;
using Prometheus;

namespace FastLb.Proxy.Admin;

/// <summary>
/// <c>GET /metrics</c> of one proxy: a prometheus-net <see cref="CollectorRegistry"/> of its own (never the
/// static default registry: tests run many proxies in one process) whose counters and gauges are set
/// from the proxy's atomics by a before-collect callback, so counting costs the hot path nothing more.
/// </summary>
/// <remarks>
/// <c>fastlb_request_duration_seconds</c> stays hand-written (<see cref="PrometheusWriter"/>), appended
/// after the registry's text: a prometheus-net histogram is fed by <c>Observe</c> one value at a time
/// and cannot be set at scrape time from the bucket counts, sum and count that
/// <see cref="LatencyHistogram"/> already keeps, so moving it would mean a second observation per request.
/// <para>A counter's series follows the object that counts it (a <see cref="BackendMetrics"/>,
/// a <see cref="PoolMetrics"/>): series whose labels no longer exist after a reload are removed from the
/// registry, and a series whose counting object was replaced starts again from that object's value, as
/// the hand-written writer did, instead of being held at the old value by <c>IncTo</c>.</para>
/// </remarks>
internal sealed class ProxyExposition
{
    private readonly IAdminView _server;
    private readonly CollectorRegistry _registry = Prometheus.Metrics.NewCustomRegistry();
    private readonly IMetricFactory _factory;
    private readonly SemaphoreSlim _scrape = new(1, 1);
    private readonly List<ISeries> _all = [];

    private readonly Series<Counter> _requests, _shed, _retries, _opened, _reused, _connectFailures, _rejections, _errors, _tcpBytes, _refused, _reloads;
    private readonly Series<Counter> _breakerOpened, _ejections, _failOpenPicks, _budgetExhausted, _timeouts, _queueRejected, _hedges, _rateLimited, _authRejected;
    private readonly Series<Gauge> _inFlight, _available, _breakerState, _ejected, _share, _failingOpen, _budgetLeft, _queued;
    private readonly Counter _accepted, _acceptFailures, _logWritten, _logDropped, _logLost;
    private readonly Gauge _active, _generation, _lastReloadOk, _lastReloadAt;
    private Gauge? _modelLoaded;
    private Counter? _modelReloads, _modelFailures;

    /// <summary>Creates the registry of <paramref name="server"/>'s families.</summary>
    public ProxyExposition(IAdminView server)
    {
        _server = server;
        _factory = Prometheus.Metrics.WithCustomRegistry(_registry);
        _requests = Add(Counter("fastlb_requests_total", "Requests proxied, by pool, backend, status class and policy.", "pool", "backend", "status_class", "policy"));
        _shed = Add(Counter("fastlb_requests_shed_total", "Requests (tcp: connections) the policy shed, predicting no answer within the pool's deadlineMs, by pool; http answers 503 with Retry-After, tcp closes the connection.", "pool"));
        _retries = Add(Counter("fastlb_retries_total", "Failed attempts sent again by the retry rule (a failed connect, a kept-alive connection the backend had closed, a 503 with Retry-After: 0, and for idempotent requests the route's timeouts and statuses), by pool; every attempt is also counted in fastlb_requests_total.", "pool"));
        _budgetExhausted = Add(Counter("fastlb_retry_budget_exhausted_total", "Retries the rule allowed and the pool's retry budget refused, by pool.", "pool"));
        _budgetLeft = Add(new Series<Gauge>(_factory.CreateGauge("fastlb_retry_budget_remaining", "Retries the pool's budget still allows now, by pool.", ["pool"])));
        _hedges = Add(Counter("fastlb_hedges_total", "Hedged requests by pool and result (sent: a second copy went to another backend; won: the copy answered first and the first attempt was cancelled).", "pool", "result"));
        _timeouts = Add(Counter("fastlb_timeouts_total", "Timeouts by pool and kind (connect, response_head, total).", "pool", "kind"));
        _queued = Add(new Series<Gauge>(_factory.CreateGauge("fastlb_pool_queued", "Requests waiting for a backend below the pool's concurrency cap.", ["pool"])));
        _queueRejected = Add(Counter("fastlb_pool_queue_rejected_total", "Requests answered 503 (tcp: closed) because every backend was at its concurrency cap, by pool and reason (full: no room in the queue, timeout: waited queueTimeoutMs).", "pool", "reason"));
        _failingOpen = Add(new Series<Gauge>(_factory.CreateGauge("fastlb_pool_failing_open", "1 while every backend of the pool is out for passive reasons only (breaker, outlier ejection) and requests go to them anyway.", ["pool"])));
        _failOpenPicks = Add(Counter("fastlb_pool_fail_open_picks_total", "Picks made while the pool failed open, by pool.", "pool"));
        _breakerState = Add(new Series<Gauge>(_factory.CreateGauge("fastlb_backend_breaker_state", "Circuit breaker per backend: 0 closed, 1 open, 2 half-open (a probe offered), 3 probing.", ["pool", "backend"])));
        _breakerOpened = Add(Counter("fastlb_backend_breaker_opened_total", "Times the backend's circuit breaker opened.", "pool", "backend"));
        _ejected = Add(new Series<Gauge>(_factory.CreateGauge("fastlb_backend_ejected", "1 while the backend is ejected as a latency outlier.", ["pool", "backend"])));
        _ejections = Add(Counter("fastlb_backend_ejections_total", "Times the backend was ejected as a latency outlier.", "pool", "backend"));
        _share = Add(new Series<Gauge>(_factory.CreateGauge("fastlb_backend_slow_start_share", "Share of its picks the backend keeps while it ramps up after coming back (slow start); 1 when not ramping.", ["pool", "backend"])));
        _inFlight = Add(new Series<Gauge>(_factory.CreateGauge("fastlb_backend_in_flight", "Requests in flight per backend.", ["pool", "backend"])));
        _available = Add(new Series<Gauge>(_factory.CreateGauge("fastlb_backend_available", "1 when the backend is in rotation, 0 when out (failed health check, open circuit breaker or outlier ejection).", ["pool", "backend"])));
        _opened = Add(Counter("fastlb_upstream_connections_opened_total", "Connections opened to backends.", "pool", "backend"));
        _reused = Add(Counter("fastlb_upstream_connections_reused_total", "Requests sent on a pooled keep-alive connection.", "pool", "backend"));
        _connectFailures = Add(Counter("fastlb_upstream_connect_failures_total", "Failed connects to backends.", "pool", "backend"));
        _rejections = Add(Counter("fastlb_parse_rejections_total", "Requests, responses and bodies refused, by reason.", "reason"));
        _errors = Add(Counter("fastlb_error_responses_total", "Answers the proxy made itself, by status.", "status"));
        // Which relay path tcp sessions really took: splice can fall back to copying without a sign.
        _tcpBytes = Add(Counter("fastlb_tcp_bytes_total", "Bytes relayed by tcp listeners, by mode (splice: through a kernel pipe, copy: through a buffer) and direction (to_backend, to_client); counted when each direction of a session ends.", "mode", "direction"));
        _accepted = _factory.CreateCounter("fastlb_client_connections_accepted_total", "Client connections accepted.");
        _active = _factory.CreateGauge("fastlb_client_connections_active", "Client connections open now.");
        _refused = Add(Counter("fastlb_client_connections_refused_total", "Client connections accepted and closed at once, by reason (limit: limits.maxConnections were open).", "reason"));
        _acceptFailures = _factory.CreateCounter("fastlb_accept_failures_total", "Failed accepts (descriptor exhaustion and other errors) after which a listener backed off.");
        _logWritten = _factory.CreateCounter("fastlb_request_log_records_written_total", "Request log records written, counted once per sink.");
        _logDropped = _factory.CreateCounter("fastlb_request_log_records_dropped_total", "Request log records dropped because the queue was full.");
        _logLost = _factory.CreateCounter("fastlb_request_log_records_lost_total", "Request log records a sink (file, PostgreSQL) failed to write.");
        _reloads = Add(Counter("fastlb_config_reloads_total", "Config reloads (SIGHUP, POST /reload) by result: ok applied, error refused (the running config stays).", "result"));
        _generation = _factory.CreateGauge("fastlb_config_generation", "Config generation running: 1 at start, one more per reload applied.");
        _lastReloadOk = _factory.CreateGauge("fastlb_config_last_reload_successful", "0 when the last reload was refused, else 1.");
        _lastReloadAt = _factory.CreateGauge("fastlb_config_last_reload_success_timestamp_seconds", "When the running config was loaded (start or last reload applied), Unix seconds.");
        _rateLimited = Add(Counter("fastlb_rate_limited_total", "Requests answered 429 by a route's rate limit, by listener, route (host and path prefix) and scope (client: the client address's bucket, route: the route's).", "listener", "route", "scope"));
        _authRejected = Add(Counter("fastlb_auth_rejected_total", "Requests a route's JWT check refused (401, or 403 for reason role), by listener, route and reason.", "listener", "route", "reason"));
        _registry.AddBeforeCollectCallback(Publish);
    }

    /// <summary>The exposition (text format 0.0.4) of the proxy's counters now.</summary>
    public async Task<string> RenderAsync(CancellationToken cancellation = default)
    {
        // One scrape at a time: the callback sets values and removes vanished series in one pass.
        await _scrape.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            // The model families appear once a policy uses a model (the watcher, once made, stays).
            if (_modelLoaded is null && _server.Model is not null)
            {
                _modelLoaded = _factory.CreateGauge("fastlb_model_loaded", "1 when the fastlb policy has a latency model.");
                _modelReloads = _factory.CreateCounter("fastlb_model_reloads_total", "New model files swapped in since start.");
                _modelFailures = _factory.CreateCounter("fastlb_model_reload_failures_total", "Model files refused since start (the model in use stays).");
            }

            using var stream = new MemoryStream();
            await _registry.CollectAndExportAsTextAsync(stream, cancellation).ConfigureAwait(false);
            return Encoding.UTF8.GetString(stream.ToArray()) + RenderLatency(_server);
        }
        finally
        {
            _scrape.Release();
        }
    }

    private void Publish()
    {
        ProxyMetrics metrics = _server.Metrics;
        foreach (PoolRuntime pool in _server.Pools)
        {
            _shed.Count(pool.Metrics, pool.Metrics.Shed, pool.Name);
            _retries.Count(pool.Metrics, pool.Metrics.Retries, pool.Name);
            _budgetExhausted.Count(pool.RetryBudget, pool.RetryBudget.Exhausted, pool.Name);
            _budgetLeft.Set(pool.RetryBudget.Allowance, pool.Name);
            foreach (TimeoutKind kind in Enum.GetValues<TimeoutKind>())
            {
                _timeouts.Count(pool.Metrics, pool.Metrics.Timeouts(kind), pool.Name, PoolMetrics.TimeoutKinds[(int)kind]);
            }

            _hedges.Count(pool.Metrics, pool.Metrics.Hedges, pool.Name, "sent");
            _hedges.Count(pool.Metrics, pool.Metrics.HedgesWon, pool.Name, "won");
            _failingOpen.Set(pool.Balancer.IsFailingOpen ? 1 : 0, pool.Name);
            _queued.Set(pool.Queue.Count, pool.Name);
            _queueRejected.Count(pool.Queue, pool.Queue.RejectedFull, pool.Name, "full");
            _queueRejected.Count(pool.Queue, pool.Queue.RejectedTimeout, pool.Name, "timeout");
            _failOpenPicks.Count(pool.Balancer, pool.Balancer.FailOpenPicks, pool.Name);
            foreach (BackendRuntime backend in pool.Backends)
            {
                string address = backend.Config.Address;
                for (int c = 0; c < StatusClass.Count; c++)
                {
                    _requests.Count(backend.Metrics, backend.Metrics.Requests(c), pool.Name, address, StatusClass.Labels[c], pool.Config.Policy);
                }

                _inFlight.Set(backend.State.InFlight, pool.Name, address);
                _available.Set(backend.State.IsAvailable ? 1 : 0, pool.Name, address);
                _opened.Count(backend.Metrics, backend.Metrics.ConnectionsOpened, pool.Name, address);
                _reused.Count(backend.Metrics, backend.Metrics.ConnectionsReused, pool.Name, address);
                _connectFailures.Count(backend.Metrics, backend.Metrics.ConnectFailures, pool.Name, address);
                _breakerState.Set((int)backend.Breaker.State, pool.Name, address);
                _breakerOpened.Count(backend.Breaker, backend.Breaker.Opened, pool.Name, address);
                _ejected.Set(backend.Watch.IsEjected ? 1 : 0, pool.Name, address);
                _ejections.Count(backend.Watch, backend.Watch.Ejections, pool.Name, address);
                _share.Set(backend.State.Share, pool.Name, address);
            }
        }

        PublishRouteEdges();

        foreach (RejectReason reason in RejectReasons.All)
        {
            if (reason != RejectReason.None)
            {
                _rejections.Count(metrics, metrics.Rejections(reason), RejectReasons.Label(reason));
            }
        }

        foreach (int status in ErrorResponses.Statuses)
        {
            _errors.Count(metrics, metrics.ErrorResponses(status), status.ToString(CultureInfo.InvariantCulture));
        }

        foreach (TcpRelayMode mode in Enum.GetValues<TcpRelayMode>())
        {
            foreach (TcpDirection direction in Enum.GetValues<TcpDirection>())
            {
                _tcpBytes.Count(metrics, metrics.TcpBytes(mode, direction), TcpRelayLabels.Modes[(int)mode], TcpRelayLabels.Directions[(int)direction]);
            }
        }

        // Process-wide counters: one ProxyMetrics for the proxy's life, so IncTo follows them exactly.
        _accepted.IncTo(metrics.ClientConnectionsAccepted);
        _active.Set(metrics.ClientConnectionsActive);
        _refused.Count(metrics, metrics.ClientConnectionsRefused, "limit");
        _acceptFailures.IncTo(metrics.AcceptFailures);
        _logWritten.IncTo(metrics.LogRecordsWritten);
        _logDropped.IncTo(metrics.LogRecordsDropped);
        _logLost.IncTo(metrics.LogRecordsLost);
        ReloadStatus reloads = _server.ReloadStatus;
        _reloads.Count(metrics, reloads.Applied, "ok");
        _reloads.Count(metrics, reloads.Refused, "error");
        _generation.Set(reloads.Generation);
        _lastReloadOk.Set(reloads.Last is null || reloads.Last.Outcome == ReloadOutcome.Applied ? 1 : 0);
        _lastReloadAt.Set(reloads.LoadedAt.ToUnixTimeMilliseconds() / 1000.0);
        if (_server.Model is { } watcher && _modelLoaded is not null)
        {
            Model.ModelState state = watcher.State;
            _modelLoaded.Set(state.Model is null ? 0 : 1);
            _modelReloads!.IncTo(state.Reloads);
            _modelFailures!.IncTo(state.Failures);
        }

        foreach (ISeries series in _all)
        {
            series.RemoveUnseen();
        }
    }

    private void PublishRouteEdges()
    {
        foreach (Edge.RouteEdge edge in _server.RouteEdges)
        {
            string listener = edge.Route.Listener;
            if (edge.Limiter is { } limiter)
            {
                if (limiter.Clients is not null)
                {
                    _rateLimited.Count(edge.Metrics, edge.Metrics.RateLimited(Edge.RateLimitScope.Client), listener, edge.Label, "client");
                }

                if (limiter.Route is not null)
                {
                    _rateLimited.Count(edge.Metrics, edge.Metrics.RateLimited(Edge.RateLimitScope.Route), listener, edge.Label, "route");
                }
            }

            if (edge.Jwt is not null)
            {
                foreach (Edge.AuthFailure failure in Edge.AuthFailures.All)
                {
                    _authRejected.Count(edge.Metrics, edge.Metrics.AuthRejected(failure), listener, edge.Label, Edge.AuthFailures.Label(failure));
                }
            }
        }
    }

    /// <summary>The latency histogram, hand-written (see the remarks on the class).</summary>
    private static string RenderLatency(IAdminView server)
    {
        var w = new PrometheusWriter();
        w.Family("fastlb_request_duration_seconds", "histogram", "Time from request head parsed to last response byte, by pool.");
        foreach (PoolRuntime pool in server.Pools)
        {
            (long[] cumulative, double sum, long count) = pool.Latency.Read();
            for (int i = 0; i < LatencyHistogram.BoundLabels.Length; i++)
            {
                w.Sample("fastlb_request_duration_seconds_bucket", cumulative[i], "pool", pool.Name, "le", LatencyHistogram.BoundLabels[i]);
            }

            w.Sample("fastlb_request_duration_seconds_bucket", cumulative[^1], "pool", pool.Name, "le", "+Inf");
            w.Sample("fastlb_request_duration_seconds_sum", sum, "pool", pool.Name);
            w.Sample("fastlb_request_duration_seconds_count", count, "pool", pool.Name);
        }

        return w.ToString();
    }

    private Series<Counter> Counter(string name, string help, params string[] labelNames) =>
        new(_factory.CreateCounter(name, help, labelNames));

    private T Add<T>(T series)
        where T : ISeries
    {
        _all.Add(series);
        return series;
    }

    private interface ISeries
    {
        /// <summary>Removes the label sets not set since the last call: their pool or backend is gone.</summary>
        void RemoveUnseen();
    }

    /// <summary>The labelled series of one family and the object that counts each.</summary>
    private sealed class Series<T>(T collector) : ISeries
        where T : class, ICollector
    {
        private readonly Dictionary<string, (string[] Labels, object? Source)> _live = new(StringComparer.Ordinal);
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

        /// <summary>Sets a counter's series to <paramref name="value"/> counted by <paramref name="source"/>.</summary>
        public void Count(object source, double value, params string[] labels)
        {
            if (Track(source, labels))
            {
                ((Counter)(object)collector).RemoveLabelled(labels);
            }

            ((Counter)(object)collector).WithLabels(labels).IncTo(value);
        }

        /// <summary>Sets a gauge's series.</summary>
        public void Set(double value, params string[] labels)
        {
            Track(null, labels);
            ((Gauge)(object)collector).WithLabels(labels).Set(value);
        }

        public void RemoveUnseen()
        {
            foreach (string key in _live.Keys.Where(k => !_seen.Contains(k)).ToList())
            {
                Remove(_live[key].Labels);
                _live.Remove(key);
            }

            _seen.Clear();
        }

        // True when the series existed, counted by another object: the caller starts it again.
        private bool Track(object? source, string[] labels)
        {
            string key = string.Join('\u0001', labels);
            _seen.Add(key);
            bool replaced = _live.TryGetValue(key, out var known) && !ReferenceEquals(known.Source, source);
            _live[key] = (labels, source);
            return replaced;
        }

        private void Remove(string[] labels)
        {
            switch (collector)
            {
                case Counter counter:
                    counter.RemoveLabelled(labels);
                    break;
                case Gauge gauge:
                    gauge.RemoveLabelled(labels);
                    break;
            }
        }
    }
}

using FastLb.Proxy.Configuration;
using FastLb.Proxy.Forwarding;
using FastLb.Proxy.Http;
using FastLb.Proxy.Metrics;
using FastLb.Proxy.Runtime;

namespace FastLb.Proxy.Admin;

/// <summary>Renders the proxy's counters as Prometheus text for <c>GET /metrics</c>.</summary>
internal static class ProxyExposition
{
    /// <summary>The exposition of <paramref name="server"/>'s counters now.</summary>
    public static string Render(IAdminView server)
    {
        var w = new PrometheusWriter();
        ProxyMetrics metrics = server.Metrics;

        w.Family("fastlb_requests_total", "counter", "Requests proxied, by pool, backend, status class and policy.");
        foreach (PoolRuntime pool in server.Pools)
        {
            foreach (BackendRuntime backend in pool.Backends)
            {
                for (int c = 0; c < StatusClass.Count; c++)
                {
                    w.Sample("fastlb_requests_total", backend.Metrics.Requests(c),
                        "pool", pool.Name, "backend", backend.Config.Address, "status_class", StatusClass.Labels[c], "policy", pool.Config.Policy);
                }
            }
        }

        w.Family("fastlb_requests_shed_total", "counter", "Requests (tcp: connections) the policy shed, predicting no answer within the pool's deadlineMs, by pool; http answers 503 with Retry-After, tcp closes the connection.");
        foreach (PoolRuntime pool in server.Pools)
        {
            w.Sample("fastlb_requests_shed_total", pool.Metrics.Shed, "pool", pool.Name);
        }

        w.Family("fastlb_retries_total", "counter", "Failed attempts sent again (a refused or timed-out connect, or an http request without a body whose kept-alive connection the backend had closed), by pool; every attempt is also counted in fastlb_requests_total.");
        foreach (PoolRuntime pool in server.Pools)
        {
            w.Sample("fastlb_retries_total", pool.Metrics.Retries, "pool", pool.Name);
        }

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

        w.Family("fastlb_backend_in_flight", "gauge", "Requests in flight per backend.");
        ForEachBackend(server, (pool, backend) => w.Sample("fastlb_backend_in_flight", backend.State.InFlight, "pool", pool.Name, "backend", backend.Config.Address));

        w.Family("fastlb_backend_available", "gauge", "1 when the backend is in rotation, 0 when ejected.");
        ForEachBackend(server, (pool, backend) => w.Sample("fastlb_backend_available", backend.State.IsAvailable ? 1 : 0, "pool", pool.Name, "backend", backend.Config.Address));

        w.Family("fastlb_upstream_connections_opened_total", "counter", "Connections opened to backends.");
        ForEachBackend(server, (pool, backend) => w.Sample("fastlb_upstream_connections_opened_total", backend.Metrics.ConnectionsOpened, "pool", pool.Name, "backend", backend.Config.Address));

        w.Family("fastlb_upstream_connections_reused_total", "counter", "Requests sent on a pooled keep-alive connection.");
        ForEachBackend(server, (pool, backend) => w.Sample("fastlb_upstream_connections_reused_total", backend.Metrics.ConnectionsReused, "pool", pool.Name, "backend", backend.Config.Address));

        w.Family("fastlb_upstream_connect_failures_total", "counter", "Failed connects to backends.");
        ForEachBackend(server, (pool, backend) => w.Sample("fastlb_upstream_connect_failures_total", backend.Metrics.ConnectFailures, "pool", pool.Name, "backend", backend.Config.Address));

        w.Family("fastlb_parse_rejections_total", "counter", "Requests, responses and bodies refused, by reason.");
        foreach (RejectReason reason in RejectReasons.All)
        {
            if (reason != RejectReason.None)
            {
                w.Sample("fastlb_parse_rejections_total", metrics.Rejections(reason), "reason", RejectReasons.Label(reason));
            }
        }

        w.Family("fastlb_error_responses_total", "counter", "Answers the proxy made itself, by status.");
        foreach (int status in ErrorResponses.Statuses)
        {
            w.Sample("fastlb_error_responses_total", metrics.ErrorResponses(status), "status", status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        // Which relay path tcp sessions really took: splice can fall back to copying without a sign.
        w.Family("fastlb_tcp_bytes_total", "counter", "Bytes relayed by tcp listeners, by mode (splice: through a kernel pipe, copy: through a buffer) and direction (to_backend, to_client); counted when each direction of a session ends.");
        foreach (TcpRelayMode mode in Enum.GetValues<TcpRelayMode>())
        {
            foreach (TcpDirection direction in Enum.GetValues<TcpDirection>())
            {
                w.Sample("fastlb_tcp_bytes_total", metrics.TcpBytes(mode, direction),
                    "mode", TcpRelayLabels.Modes[(int)mode], "direction", TcpRelayLabels.Directions[(int)direction]);
            }
        }

        w.Family("fastlb_client_connections_accepted_total", "counter", "Client connections accepted.");
        w.Sample("fastlb_client_connections_accepted_total", metrics.ClientConnectionsAccepted);
        w.Family("fastlb_client_connections_active", "gauge", "Client connections open now.");
        w.Sample("fastlb_client_connections_active", metrics.ClientConnectionsActive);
        w.Family("fastlb_client_connections_refused_total", "counter", "Client connections accepted and closed at once, by reason (limit: limits.maxConnections were open).");
        w.Sample("fastlb_client_connections_refused_total", metrics.ClientConnectionsRefused, "reason", "limit");
        w.Family("fastlb_accept_failures_total", "counter", "Failed accepts (descriptor exhaustion and other errors) after which a listener backed off.");
        w.Sample("fastlb_accept_failures_total", metrics.AcceptFailures);
        w.Family("fastlb_request_log_records_written_total", "counter", "Request log records written, counted once per sink.");
        w.Sample("fastlb_request_log_records_written_total", metrics.LogRecordsWritten);
        w.Family("fastlb_request_log_records_dropped_total", "counter", "Request log records dropped because the queue was full.");
        w.Sample("fastlb_request_log_records_dropped_total", metrics.LogRecordsDropped);
        w.Family("fastlb_request_log_records_lost_total", "counter", "Request log records a sink (file, PostgreSQL) failed to write.");
        w.Sample("fastlb_request_log_records_lost_total", metrics.LogRecordsLost);
        ReloadStatus reloads = server.ReloadStatus;
        w.Family("fastlb_config_reloads_total", "counter", "Config reloads (SIGHUP, POST /reload) by result: ok applied, error refused (the running config stays).");
        w.Sample("fastlb_config_reloads_total", reloads.Applied, "result", "ok");
        w.Sample("fastlb_config_reloads_total", reloads.Refused, "result", "error");
        w.Family("fastlb_config_generation", "gauge", "Config generation running: 1 at start, one more per reload applied.");
        w.Sample("fastlb_config_generation", reloads.Generation);
        w.Family("fastlb_config_last_reload_successful", "gauge", "0 when the last reload was refused, else 1.");
        w.Sample("fastlb_config_last_reload_successful", reloads.Last is null || reloads.Last.Outcome == ReloadOutcome.Applied ? 1 : 0);
        w.Family("fastlb_config_last_reload_success_timestamp_seconds", "gauge", "When the running config was loaded (start or last reload applied), Unix seconds.");
        w.Sample("fastlb_config_last_reload_success_timestamp_seconds", reloads.LoadedAt.ToUnixTimeMilliseconds() / 1000.0);
        if (server.Model is { } watcher)
        {
            Model.ModelState state = watcher.State;
            w.Family("fastlb_model_loaded", "gauge", "1 when the fastlb policy has a latency model.");
            w.Sample("fastlb_model_loaded", state.Model is null ? 0 : 1);
            w.Family("fastlb_model_reloads_total", "counter", "New model files swapped in since start.");
            w.Sample("fastlb_model_reloads_total", state.Reloads);
            w.Family("fastlb_model_reload_failures_total", "counter", "Model files refused since start (the model in use stays).");
            w.Sample("fastlb_model_reload_failures_total", state.Failures);
        }

        return w.ToString();
    }

    private static void ForEachBackend(IAdminView server, Action<PoolRuntime, BackendRuntime> action)
    {
        foreach (PoolRuntime pool in server.Pools)
        {
            foreach (BackendRuntime backend in pool.Backends)
            {
                action(pool, backend);
            }
        }
    }
}

using System.Text.Json;
using FastLb.Policy;
using FastLb.Policy.Prediction;
using FastLb.Proxy.Configuration;
using FastLb.Proxy.Forwarding;
using FastLb.Proxy.Metrics;
using FastLb.Proxy.Model;
using FastLb.Proxy.Runtime;

namespace FastLb.Proxy.Admin;

/// <summary>Renders <c>GET /status</c>: listeners, pools, backends, in-flight and totals by status, as JSON.</summary>
internal static class StatusDocument
{
    /// <summary>Writes the document for <paramref name="server"/> now.</summary>
    public static byte[] Render(IAdminView server)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("state", server.IsReady ? "running" : server.IsDraining ? "draining" : "starting");
            w.WriteString("started_at", server.StartedAt);
            w.WriteNumber("uptime_s", Math.Round((server.Time.GetUtcNow() - server.StartedAt).TotalSeconds, 3));
            w.WriteNumber("client_connections_active", server.Metrics.ClientConnectionsActive);
            w.WriteNumber("client_connections_refused", server.Metrics.ClientConnectionsRefused);
            w.WriteNumber("accept_failures", server.Metrics.AcceptFailures);

            w.WriteStartArray("listeners");
            foreach (BoundListener listener in server.Listeners)
            {
                w.WriteStartObject();
                w.WriteString("name", listener.Config.Name);
                w.WriteString("mode", listener.Config.Mode.ToString().ToLowerInvariant());
                w.WriteString("address", listener.EndPoint.ToString());
                if (listener.Config.Pool is not null)
                {
                    w.WriteString("pool", listener.Config.Pool);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();

            var totals = new long[StatusClass.Count];
            w.WriteStartArray("pools");
            foreach (PoolRuntime pool in server.Pools)
            {
                w.WriteStartObject();
                w.WriteString("name", pool.Name);
                w.WriteString("policy", pool.Config.Policy);
                w.WriteNumber("in_flight", pool.Balancer.InFlight);
                w.WriteBoolean("failing_open", pool.Balancer.IsFailingOpen);
                w.WriteNumber("fail_open_picks", pool.Balancer.FailOpenPicks);
                w.WriteNumber("retries", pool.Metrics.Retries);
                w.WriteNumber("retry_budget_remaining", pool.RetryBudget.Allowance);
                w.WriteNumber("retry_budget_exhausted", pool.RetryBudget.Exhausted);
                w.WriteNumber("hedges", pool.Metrics.Hedges);
                w.WriteNumber("hedges_won", pool.Metrics.HedgesWon);
                w.WriteNumber("recent_p95_ms", pool.RecentP95Ms);
                w.WriteNumber("queued", pool.Queue.Count);
                w.WriteNumber("queue_rejected_full", pool.Queue.RejectedFull);
                w.WriteNumber("queue_rejected_timeout", pool.Queue.RejectedTimeout);
                w.WriteStartObject("timeouts");
                foreach (TimeoutKind kind in Enum.GetValues<TimeoutKind>())
                {
                    w.WriteNumber(PoolMetrics.TimeoutKinds[(int)kind], pool.Metrics.Timeouts(kind));
                }

                w.WriteEndObject();
                w.WriteStartArray("backends");
                foreach (BackendRuntime backend in pool.Backends)
                {
                    BackendState state = backend.State;
                    w.WriteStartObject();
                    w.WriteString("id", backend.Config.Address);
                    w.WriteNumber("weight", state.Weight);
                    w.WriteBoolean("available", state.IsAvailable);
                    w.WriteStartArray("out_reasons");
                    foreach (OutReason reason in (ReadOnlySpan<OutReason>)[OutReason.Health, OutReason.Breaker, OutReason.Ejected])
                    {
                        if ((state.Out & reason) != 0)
                        {
                            w.WriteStringValue(reason.ToString().ToLowerInvariant());
                        }
                    }

                    w.WriteEndArray();
                    w.WriteStartObject("breaker");
                    w.WriteString("state", BreakerLabel(backend.Breaker.State));
                    w.WriteNumber("opened", backend.Breaker.Opened);
                    w.WriteNumber("cool_down_ms", backend.Breaker.CoolDownMs);
                    w.WriteEndObject();
                    w.WriteBoolean("ejected", backend.Watch.IsEjected);
                    w.WriteNumber("ejections", backend.Watch.Ejections);
                    w.WriteNumber("slow_start_share", Math.Round(state.Share, 3));
                    w.WriteNumber("in_flight", state.InFlight);
                    w.WriteNumber("requests", state.Requests);
                    w.WriteNumber("failures", state.Failures);
                    w.WriteNumber("ewma_latency_ms", Math.Round(state.EwmaLatencyMs, 3));
                    w.WriteNumber("ewma_error_rate", Math.Round(state.EwmaErrorRate, 5));
                    w.WriteNumber("idle_connections", backend.Upstream.IdleCount);
                    w.WriteStartObject("health");
                    w.WriteString("status", state.Health.Status.ToString().ToLowerInvariant());
                    w.WriteNumber("cpu", state.Health.CpuPercent);
                    w.WriteNumber("active_requests", state.Health.ActiveRequests);
                    w.WriteNumber("avg_response_ms", state.Health.AvgResponseMs);
                    w.WriteEndObject();
                    w.WriteStartObject("by_status");
                    for (int c = 0; c < StatusClass.Count; c++)
                    {
                        long count = backend.Metrics.Requests(c);
                        totals[c] += count;
                        w.WriteNumber(StatusClass.Labels[c], count);
                    }

                    w.WriteEndObject();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();

            w.WriteStartObject("totals_by_status");
            for (int c = 0; c < StatusClass.Count; c++)
            {
                w.WriteNumber(StatusClass.Labels[c], totals[c]);
            }

            w.WriteEndObject();
            // Tcp bytes by relay mode and direction, as in fastlb_tcp_bytes_total.
            w.WriteStartObject("tcp_bytes");
            foreach (TcpRelayMode mode in Enum.GetValues<TcpRelayMode>())
            {
                w.WriteStartObject(TcpRelayLabels.Modes[(int)mode]);
                foreach (TcpDirection direction in Enum.GetValues<TcpDirection>())
                {
                    w.WriteNumber(TcpRelayLabels.Directions[(int)direction], server.Metrics.TcpBytes(mode, direction));
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
            // Allocation counters, so steady-state allocation per request can be read off a live proxy.
            GCMemoryInfo gc = GC.GetGCMemoryInfo();
            w.WriteStartObject("process");
            w.WriteNumber("allocated_bytes", GC.GetTotalAllocatedBytes(precise: false));
            w.WriteNumber("heap_bytes", gc.HeapSizeBytes);
            w.WriteNumber("working_set_bytes", Environment.WorkingSet);
            w.WriteNumber("gen0_collections", GC.CollectionCount(0));
            w.WriteNumber("gen1_collections", GC.CollectionCount(1));
            w.WriteNumber("gen2_collections", GC.CollectionCount(2));
            w.WriteEndObject();
            WriteModel(w, server);
            WriteConfig(w, server);
            WriteRouteChecks(w, server);
            w.WriteStartObject("request_log");
            w.WriteStartArray("targets");
            foreach (string target in server.Log?.Targets ?? [])
            {
                w.WriteStringValue(target);
            }

            w.WriteEndArray();
            w.WriteNumber("written", server.Metrics.LogRecordsWritten);
            w.WriteNumber("dropped", server.Metrics.LogRecordsDropped);
            w.WriteNumber("lost", server.Metrics.LogRecordsLost);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static string BreakerLabel(BreakerState state) => state switch
    {
        BreakerState.Closed => "closed",
        BreakerState.Open => "open",
        BreakerState.HalfOpen => "half_open",
        _ => "probing",
    };

    private static void WriteConfig(Utf8JsonWriter w, IAdminView server)
    {
        ReloadStatus reloads = server.ReloadStatus;
        w.WriteStartObject("config");
        w.WriteString("path", server.Source?.Path);
        w.WriteNumber("generation", reloads.Generation);
        w.WriteString("loaded_at", reloads.LoadedAt);
        w.WriteNumber("reloads", reloads.Applied);
        w.WriteNumber("reload_failures", reloads.Refused);
        if (reloads.Last is { } last)
        {
            w.WriteStartObject("last_reload");
            w.WriteString("at", reloads.LastAt!.Value);
            w.WriteString("result", last.Result);
            ReloadDocument.WriteLines(w, "changes", last.Changes);
            ReloadDocument.WriteLines(w, "errors", last.Errors);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("last_reload");
        }

        w.WriteEndObject();
    }

    // The routes with rate limits or a JWT check: their limits and keys, and what they refused (as in
    // fastlb_rate_limited_total and fastlb_auth_rejected_total).
    private static void WriteRouteChecks(Utf8JsonWriter w, IAdminView server)
    {
        w.WriteStartArray("route_checks");
        foreach (Edge.RouteEdge edge in server.RouteEdges)
        {
            w.WriteStartObject();
            w.WriteString("listener", edge.Route.Listener);
            w.WriteString("route", edge.Label);
            if (edge.Limiter is { } limiter)
            {
                w.WriteStartObject("rate_limit");
                if (limiter.Config.PerClient is { } perClient)
                {
                    w.WriteStartObject("per_client");
                    w.WriteNumber("rate", perClient.Rate);
                    w.WriteNumber("burst", perClient.Burst);
                    w.WriteNumber("client_slots", limiter.Config.ClientSlots);
                    w.WriteNumber("limited", edge.Metrics.RateLimited(Edge.RateLimitScope.Client));
                    w.WriteEndObject();
                }

                if (limiter.Route is { } route)
                {
                    w.WriteStartObject("route");
                    w.WriteNumber("rate", limiter.Config.Route!.Rate);
                    w.WriteNumber("burst", limiter.Config.Route.Burst);
                    w.WriteNumber("tokens", Math.Round(route.TokensAt(limiter.Now), 3));
                    w.WriteNumber("limited", edge.Metrics.RateLimited(Edge.RateLimitScope.Route));
                    w.WriteEndObject();
                }

                w.WriteEndObject();
            }

            if (edge.Jwt is { } jwt)
            {
                w.WriteStartObject("jwt");
                w.WriteNumber("keys", jwt.Keys.Entries.Length);
                w.WriteString("jwks_path", jwt.Config.JwksPath);
                w.WriteString("issuer", jwt.Config.Issuer);
                w.WriteString("audience", jwt.Config.Audience);
                w.WriteStartObject("rejected");
                foreach (Edge.AuthFailure failure in Edge.AuthFailures.All)
                {
                    w.WriteNumber(Edge.AuthFailures.Label(failure), edge.Metrics.AuthRejected(failure));
                }

                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteModel(Utf8JsonWriter w, IAdminView server)
    {
        if (server.Model is not { } watcher)
        {
            w.WriteNull("model");
            return;
        }

        ModelState state = watcher.State;
        w.WriteStartObject("model");
        w.WriteString("path", watcher.Path);
        w.WriteBoolean("loaded", state.Model is not null);
        if (state.Model is { } model)
        {
            LatencyModelInfo info = model.Info;
            w.WriteString("version", info.Version);
            w.WriteString("trained_at", info.TrainedAt);
            w.WriteNumber("age_s", Math.Round((server.Time.GetUtcNow() - info.TrainedAt).TotalSeconds, 1));
            w.WriteNumber("validation_rmse_ms", Math.Round(info.ValidationRmseMs, 3));
            w.WriteString("loaded_at", state.LoadedAt!.Value);
        }

        w.WriteNumber("reloads", state.Reloads);
        w.WriteNumber("reload_failures", state.Failures);
        w.WriteString("last_error", state.LastError);
        w.WriteEndObject();
    }
}

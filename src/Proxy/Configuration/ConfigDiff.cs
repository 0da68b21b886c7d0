using System.Globalization;

namespace FastLb.Proxy.Configuration;

/// <summary>Compares the running config with a reloaded one: what only a restart can change, and what a reload changes outside the pools.</summary>
/// <remarks>
/// Listeners and the admin endpoint are bound sockets; rebinding them under traffic (and handing
/// accepted connections over) is what a restart does, so a file that moves one is refused as a
/// whole. The request log's sinks, the model file and the head size limit (which sizes every
/// connection's buffers) are set up at start and are refused the same way.
/// </remarks>
internal static class ConfigDiff
{
    private const string Restart = "cannot change on reload; restart";

    /// <summary>One line per field that differs and only a restart may change, each naming the field.</summary>
    public static List<string> RestartOnly(ProxyConfig running, ProxyConfig next)
    {
        var errors = new List<string>();
        if (!running.Admin.Equals(next.Admin))
        {
            errors.Add($"admin.listen: {Restart} (running on {running.Admin}, the file says {next.Admin})");
        }

        if (running.Listeners.Count != next.Listeners.Count)
        {
            errors.Add($"listeners: listeners cannot change on reload; restart ({running.Listeners.Count} running, the file has {next.Listeners.Count})");
        }

        for (int i = 0; i < next.Listeners.Count; i++)
        {
            ListenerConfig listener = next.Listeners[i];
            ListenerConfig? now = Find(running.Listeners, listener.Name);
            if (now is null)
            {
                errors.Add($"listeners[{i}].name: listeners cannot change on reload; restart (no listener '{listener.Name}' is running)");
                continue;
            }

            if (!now.EndPoint.Equals(listener.EndPoint))
            {
                errors.Add($"listeners[{i}].listen: listeners cannot change on reload; restart ('{listener.Name}' runs on {now.EndPoint}, the file says {listener.EndPoint})");
            }

            if (now.Mode != listener.Mode)
            {
                errors.Add($"listeners[{i}].mode: listeners cannot change on reload; restart ('{listener.Name}' runs as {Lower(now.Mode)}, the file says {Lower(listener.Mode)})");
            }
        }

        if (running.Limits.MaxHeaderBytes != next.Limits.MaxHeaderBytes)
        {
            errors.Add($"limits.maxHeaderBytes: {Restart} (it sizes every connection's buffers; running {running.Limits.MaxHeaderBytes}, the file says {next.Limits.MaxHeaderBytes})");
        }

        if (running.ModelPath != next.ModelPath)
        {
            errors.Add($"model.path: {Restart} (running '{running.ModelPath}', the file says '{next.ModelPath}')");
        }

        if (running.RequestLog.Path != next.RequestLog.Path)
        {
            errors.Add($"requestLog.path: {Restart} (running '{running.RequestLog.Path}', the file says '{next.RequestLog.Path}')");
        }

        if (running.RequestLog.Postgres != next.RequestLog.Postgres)
        {
            errors.Add($"requestLog.postgres: {Restart}");
        }

        if (running.RequestLog.QueueCapacity != next.RequestLog.QueueCapacity)
        {
            errors.Add($"requestLog.queueCapacity: {Restart} (running {running.RequestLog.QueueCapacity}, the file says {next.RequestLog.QueueCapacity})");
        }

        return errors;
    }

    /// <summary>Lines for what changes outside the pools: listener pools, routes, limits.</summary>
    public static void DescribeGlobal(ProxyConfig running, ProxyConfig next, List<string> changes)
    {
        foreach (ListenerConfig listener in next.Listeners)
        {
            ListenerConfig? now = Find(running.Listeners, listener.Name);
            if (now is not null && now.Pool != listener.Pool)
            {
                changes.Add($"listener '{listener.Name}': pool '{now.Pool}' -> '{listener.Pool}'");
            }

            if (now is not null && now.Splice != listener.Splice)
            {
                changes.Add($"listener '{listener.Name}': splice {now.Splice} -> {listener.Splice} (new connections)");
            }
        }

        if (!running.Routes.SequenceEqual(next.Routes))
        {
            changes.Add($"routes: {running.Routes.Count} -> {next.Routes.Count} routes");
        }

        LimitsOptions a = running.Limits, b = next.Limits;
        Limit("maxBodyBytes", a.MaxBodyBytes, b.MaxBodyBytes, changes);
        Limit("headerTimeoutMs", a.HeaderTimeoutMs, b.HeaderTimeoutMs, changes);
        Limit("idleTimeoutMs", a.IdleTimeoutMs, b.IdleTimeoutMs, changes);
        Limit("upstreamConnectTimeoutMs", a.UpstreamConnectTimeoutMs, b.UpstreamConnectTimeoutMs, changes);
        Limit("responseHeaderTimeoutMs", a.ResponseHeaderTimeoutMs, b.ResponseHeaderTimeoutMs, changes);
        Limit("maxIdlePerBackend", a.MaxIdlePerBackend, b.MaxIdlePerBackend, changes);
        Limit("upstreamIdleTimeoutMs", a.UpstreamIdleTimeoutMs, b.UpstreamIdleTimeoutMs, changes);
        Limit("drainTimeoutMs", a.DrainTimeoutMs, b.DrainTimeoutMs, changes);
        Limit("maxConnections", a.MaxConnections, b.MaxConnections, changes);
    }

    /// <summary>Lines for what changes in the fields of a pool that stays: health check, hashKey, deadlineMs.</summary>
    /// <remarks>Backends and the policy are described where the pool is rebuilt (ProxyServer.Reload.cs).</remarks>
    public static void DescribePool(PoolConfig running, PoolConfig next, List<string> changes)
    {
        if (!SameHealthCheck(running.HealthCheck, next.HealthCheck))
        {
            changes.Add($"pool '{next.Name}': health check changed");
        }

        if (running.HashKey.Kind != next.HashKey.Kind || !running.HashKey.Name.AsSpan().SequenceEqual(next.HashKey.Name))
        {
            changes.Add($"pool '{next.Name}': hashKey changed");
        }

        if (running.DeadlineMs != next.DeadlineMs)
        {
            changes.Add($"pool '{next.Name}': deadlineMs {Deadline(running.DeadlineMs)} -> {Deadline(next.DeadlineMs)}");
        }

        if (running.Breaker != next.Breaker || !running.BreakerStatuses.SequenceEqual(next.BreakerStatuses))
        {
            changes.Add($"pool '{next.Name}': breaker changed");
        }

        if (!SameOutlier(running.Outlier, next.Outlier))
        {
            changes.Add($"pool '{next.Name}': outlierDetection changed");
        }

        if (running.SlowStartMs != next.SlowStartMs)
        {
            changes.Add(string.Create(CultureInfo.InvariantCulture, $"pool '{next.Name}': slowStartMs {running.SlowStartMs} -> {next.SlowStartMs}"));
        }

        if (running.RetryBudgetPercent != next.RetryBudgetPercent || running.RetryBudgetMinPerSecond != next.RetryBudgetMinPerSecond)
        {
            changes.Add($"pool '{next.Name}': retryBudget changed");
        }

        if (running.MaxInFlightPerBackend != next.MaxInFlightPerBackend || running.QueueSize != next.QueueSize || running.QueueTimeoutMs != next.QueueTimeoutMs)
        {
            changes.Add($"pool '{next.Name}': concurrency changed");
        }
    }

    private static bool SameOutlier(OutlierOptions? a, OutlierOptions? b) =>
        a is null ? b is null : b is not null && a.Ratio == b.Ratio && a.WindowMs == b.WindowMs && a.MinLatencyMs == b.MinLatencyMs
            && a.BaseEjectionMs == b.BaseEjectionMs && a.MaxEjectionMs == b.MaxEjectionMs && a.MaxEjectedPercent == b.MaxEjectedPercent;

    /// <summary>True when two health checks (either may be absent) poll the same way.</summary>
    public static bool SameHealthCheck(HealthCheckOptions? a, HealthCheckOptions? b) =>
        a is null ? b is null : b is not null && a.Path == b.Path && a.IntervalMs == b.IntervalMs && a.TimeoutMs == b.TimeoutMs
            && a.Type == b.Type && a.Fails == b.Fails && a.Passes == b.Passes && a.Statuses.SequenceEqual(b.Statuses);

    private static void Limit(string name, long running, long next, List<string> changes)
    {
        if (running != next)
        {
            changes.Add(string.Create(CultureInfo.InvariantCulture, $"limits.{name}: {running} -> {next}"));
        }
    }

    private static string Deadline(int? milliseconds) =>
        milliseconds is int ms ? ms.ToString(CultureInfo.InvariantCulture) : "none";

    private static ListenerConfig? Find(IReadOnlyList<ListenerConfig> listeners, string name)
    {
        foreach (ListenerConfig listener in listeners)
        {
            if (listener.Name == name)
            {
                return listener;
            }
        }

        return null;
    }

    private static string Lower(ListenerMode mode) => mode == ListenerMode.Tcp ? "tcp" : "http";
}

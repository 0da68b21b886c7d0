using System.Net;
using FastLb.Policy;
using FastLb.Policy.Catalog;

namespace FastLb.Proxy.Configuration;

/// <summary>Checks options and builds the immutable <see cref="ProxyConfig"/>; reports every error at once.</summary>
internal static class ConfigValidator
{
    /// <summary>Validates <paramref name="options"/>.</summary>
    /// <exception cref="ConfigException">With one line per problem, each naming its field.</exception>
    public static ProxyConfig Validate(ProxyOptions options)
    {
        var errors = new List<string>();

        IPEndPoint admin = ParseListen(options.Admin?.Listen, "admin.listen", errors) ?? new IPEndPoint(IPAddress.Loopback, 0);

        var pools = new List<PoolConfig>();
        var poolNames = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < options.Pools.Count; i++)
        {
            PoolOptions pool = options.Pools[i];
            string at = $"pools[{i}]";
            if (string.IsNullOrWhiteSpace(pool.Name))
            {
                errors.Add($"{at}.name: required");
            }
            else if (!poolNames.Add(pool.Name))
            {
                errors.Add($"{at}.name: duplicate pool '{pool.Name}'");
            }

            if (!PolicyFactory.TryCreate(pool.Policy ?? "", new PolicyContext(Math.Max(1, pool.Backends.Count), 1, TimeProvider.System), out _, out string? policyError))
            {
                errors.Add($"{at}.policy: {policyError}");
            }

            if (pool.Backends.Count == 0)
            {
                errors.Add($"{at}.backends: at least one backend is required");
            }

            var backends = new List<BackendConfig>();
            var addresses = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (int j = 0; j < pool.Backends.Count; j++)
            {
                BackendOptions backend = pool.Backends[j];
                string bat = $"{at}.backends[{j}]";
                EndPoint? endPoint = ParseBackend(backend.Address, $"{bat}.address", errors);
                if (backend.Weight < 1)
                {
                    errors.Add($"{bat}.weight: must be at least 1, got {backend.Weight}");
                }

                if (endPoint is not null && !addresses.Add(backend.Address!))
                {
                    errors.Add($"{bat}.address: '{backend.Address}' is listed twice in the pool");
                }

                if (endPoint is not null)
                {
                    backends.Add(new BackendConfig(backend.Address!, endPoint, Math.Max(1, backend.Weight)));
                }
            }

            if (pool.HealthCheck is { } check)
            {
                if (string.IsNullOrEmpty(check.Path) || check.Path[0] != '/')
                {
                    errors.Add($"{at}.healthCheck.path: must start with '/'");
                }

                Positive(check.IntervalMs, $"{at}.healthCheck.intervalMs", errors);
                Positive(check.TimeoutMs, $"{at}.healthCheck.timeoutMs", errors);
                Positive(check.Fails, $"{at}.healthCheck.fails", errors);
                Positive(check.Passes, $"{at}.healthCheck.passes", errors);
                if (check.Type is not ("http" or "tcp"))
                {
                    errors.Add($"{at}.healthCheck.type: must be 'http' or 'tcp', got '{check.Type}'");
                }

                if (check.Statuses is null || check.Statuses.Count == 0 || check.Statuses.Exists(s => s is < 100 or > 599))
                {
                    errors.Add($"{at}.healthCheck.statuses: must list HTTP statuses between 100 and 599");
                }
            }

            BreakerSettings breaker = ValidateBreaker(pool.Breaker ?? new BreakerOptions(), $"{at}.breaker", errors);
            if (pool.OutlierDetection is { } outlier)
            {
                ValidateOutlier(outlier, $"{at}.outlierDetection", errors);
            }

            if (pool.SlowStartMs < 0)
            {
                errors.Add($"{at}.slowStartMs: must not be negative, got {pool.SlowStartMs}");
            }

            RetryBudgetOptions budget = pool.RetryBudget ?? new RetryBudgetOptions();
            if (budget.Percent is < 0 or > 100 || double.IsNaN(budget.Percent))
            {
                errors.Add($"{at}.retryBudget.percent: must be between 0 and 100, got {budget.Percent}");
            }

            if (budget.MinPerSecond < 0 || double.IsNaN(budget.MinPerSecond))
            {
                errors.Add($"{at}.retryBudget.minPerSecond: must not be negative, got {budget.MinPerSecond}");
            }

            ConcurrencyOptions concurrency = pool.Concurrency ?? new ConcurrencyOptions();
            if (concurrency.PerBackend < 0)
            {
                errors.Add($"{at}.concurrency.perBackend: must not be negative (0: no cap), got {concurrency.PerBackend}");
            }

            if (concurrency.Queue < 0)
            {
                errors.Add($"{at}.concurrency.queue: must not be negative, got {concurrency.Queue}");
            }

            Positive(concurrency.QueueTimeoutMs, $"{at}.concurrency.queueTimeoutMs", errors);

            HashKeySource? hashKey = HashKeySource.Parse(pool.HashKey);
            if (hashKey is null)
            {
                errors.Add($"{at}.hashKey: must be 'client', 'header:NAME' or 'cookie:NAME', got '{pool.HashKey}'");
            }

            if (pool.DeadlineMs is int deadline)
            {
                Positive(deadline, $"{at}.deadlineMs", errors);
            }

            pools.Add(new PoolConfig(pool.Name ?? "", pool.Policy ?? "", backends, pool.HealthCheck)
            {
                HashKey = hashKey ?? HashKeySource.Client,
                DeadlineMs = pool.DeadlineMs,
                Breaker = breaker,
                BreakerStatuses = [.. (pool.Breaker?.Statuses ?? [])],
                Outlier = pool.OutlierDetection,
                SlowStartMs = Math.Max(0, pool.SlowStartMs),
                RetryBudgetPercent = budget.Percent,
                RetryBudgetMinPerSecond = budget.MinPerSecond,
                MaxInFlightPerBackend = concurrency.PerBackend > 0 ? concurrency.PerBackend : int.MaxValue,
                QueueSize = Math.Max(0, concurrency.Queue),
                QueueTimeoutMs = concurrency.QueueTimeoutMs,
            });
        }

        var listeners = new List<ListenerConfig>();
        var listenerNames = new HashSet<string>(StringComparer.Ordinal);
        if (options.Listeners.Count == 0)
        {
            errors.Add("listeners: at least one listener is required");
        }

        for (int i = 0; i < options.Listeners.Count; i++)
        {
            ListenerOptions listener = options.Listeners[i];
            string at = $"listeners[{i}]";
            if (string.IsNullOrWhiteSpace(listener.Name))
            {
                errors.Add($"{at}.name: required");
            }
            else if (!listenerNames.Add(listener.Name))
            {
                errors.Add($"{at}.name: duplicate listener '{listener.Name}'");
            }

            IPEndPoint? endPoint = ParseListen(listener.Listen, $"{at}.listen", errors);
            if (endPoint is not null && endPoint.Port != 0 && endPoint.Port == admin.Port && (endPoint.Address.Equals(admin.Address) || endPoint.Address.Equals(IPAddress.Any) || admin.Address.Equals(IPAddress.Any)))
            {
                errors.Add($"{at}.listen: {listener.Listen} is the admin address; the admin endpoint never shares a client port");
            }

            ListenerMode mode = ListenerMode.Http;
            switch (listener.Mode)
            {
                case "http":
                    if (listener.Pool is not null && !poolNames.Contains(listener.Pool))
                    {
                        errors.Add($"{at}.pool: no pool named '{listener.Pool}'");
                    }

                    break;
                case "tcp":
                    mode = ListenerMode.Tcp;
                    if (string.IsNullOrEmpty(listener.Pool))
                    {
                        errors.Add($"{at}.pool: required for a tcp listener");
                    }
                    else if (!poolNames.Contains(listener.Pool))
                    {
                        errors.Add($"{at}.pool: no pool named '{listener.Pool}'");
                    }

                    break;
                default:
                    errors.Add($"{at}.mode: must be 'http' or 'tcp', got '{listener.Mode}'");
                    break;
            }

            if (endPoint is not null)
            {
                listeners.Add(new ListenerConfig(listener.Name ?? "", endPoint, mode, listener.Pool, listener.Splice));
            }
        }

        var routes = new List<RouteConfig>();
        for (int i = 0; i < options.Routes.Count; i++)
        {
            RouteOptions route = options.Routes[i];
            string at = $"routes[{i}]";
            ListenerOptions? listener = options.Listeners.Find(l => l.Name == route.Listener);
            if (listener is null)
            {
                errors.Add($"{at}.listener: no listener named '{route.Listener}'");
            }
            else if (listener.Mode == "tcp")
            {
                errors.Add($"{at}.listener: '{route.Listener}' is a tcp listener; routes apply to http listeners");
            }

            if (string.IsNullOrEmpty(route.PathPrefix) || route.PathPrefix[0] != '/')
            {
                errors.Add($"{at}.pathPrefix: must start with '/'");
            }

            if (route.Pool is null || !poolNames.Contains(route.Pool))
            {
                errors.Add($"{at}.pool: no pool named '{route.Pool}'");
            }

            string? host = string.IsNullOrEmpty(route.Host) ? null : route.Host.ToLowerInvariant();
            RetrySettings retry = ValidateRetry(route.Retry, $"{at}.retry", errors);
            RouteTimeoutOptions timeouts = route.Timeouts ?? new RouteTimeoutOptions();
            PositiveIfSet(timeouts.ConnectMs, $"{at}.timeouts.connectMs", errors);
            PositiveIfSet(timeouts.ResponseHeaderMs, $"{at}.timeouts.responseHeaderMs", errors);
            PositiveIfSet(timeouts.TotalMs, $"{at}.timeouts.totalMs", errors);
            if (route.Hedge is { } hedge)
            {
                if (hedge.DelayMs < 0)
                {
                    errors.Add($"{at}.hedge.delayMs: must not be negative (0: the pool's p95), got {hedge.DelayMs}");
                }

                if (hedge.MaxPercent is <= 0 or > 50 || double.IsNaN(hedge.MaxPercent))
                {
                    errors.Add($"{at}.hedge.maxPercent: must be above 0 and at most 50, got {hedge.MaxPercent}");
                }
            }

            routes.Add(new RouteConfig(route.Listener ?? "", host, route.PathPrefix ?? "/", route.Pool ?? "")
            {
                Retry = retry,
                ConnectTimeoutMs = timeouts.ConnectMs,
                ResponseHeaderTimeoutMs = timeouts.ResponseHeaderMs,
                TotalTimeoutMs = timeouts.TotalMs,
                Hedge = route.Hedge,
                RateLimit = RouteEdgeValidator.RateLimit(route.RateLimit, $"{at}.rateLimit", errors),
                Jwt = RouteEdgeValidator.Jwt(route.Jwt, $"{at}.jwt", errors),
            });
        }

        foreach (ListenerOptions listener in options.Listeners)
        {
            if (listener.Mode == "http" && listener.Pool is null && !options.Routes.Exists(r => r.Listener == listener.Name))
            {
                errors.Add($"listeners[{options.Listeners.IndexOf(listener)}]: http listener '{listener.Name}' has no routes and no pool");
            }
        }

        LimitsOptions limits = options.Limits ?? new LimitsOptions();
        Positive(limits.MaxHeaderBytes, "limits.maxHeaderBytes", errors);
        if (limits.MaxHeaderBytes is > 0 and < 256)
        {
            errors.Add($"limits.maxHeaderBytes: must be at least 256, got {limits.MaxHeaderBytes}");
        }

        if (limits.MaxBodyBytes < 0)
        {
            errors.Add($"limits.maxBodyBytes: must not be negative, got {limits.MaxBodyBytes}");
        }

        Positive(limits.HeaderTimeoutMs, "limits.headerTimeoutMs", errors);
        Positive(limits.IdleTimeoutMs, "limits.idleTimeoutMs", errors);
        Positive(limits.UpstreamConnectTimeoutMs, "limits.upstreamConnectTimeoutMs", errors);
        Positive(limits.ResponseHeaderTimeoutMs, "limits.responseHeaderTimeoutMs", errors);
        Positive(limits.UpstreamIdleTimeoutMs, "limits.upstreamIdleTimeoutMs", errors);
        Positive(limits.DrainTimeoutMs, "limits.drainTimeoutMs", errors);
        Positive(limits.MaxConnections, "limits.maxConnections", errors);
        if (limits.MaxIdlePerBackend < 0)
        {
            errors.Add($"limits.maxIdlePerBackend: must not be negative, got {limits.MaxIdlePerBackend}");
        }

        RequestLogOptions log = options.RequestLog ?? new RequestLogOptions();
        Positive(log.QueueCapacity, "requestLog.queueCapacity", errors);

        if (errors.Count > 0)
        {
            throw new ConfigException(errors);
        }

        return new ProxyConfig(admin, listeners, routes, pools, limits, options.Model?.Path, log);
    }

    private static BreakerSettings ValidateBreaker(BreakerOptions breaker, string at, List<string> errors)
    {
        Positive(breaker.ConsecutiveFailures, $"{at}.consecutiveFailures", errors);
        if (breaker.ErrorRate is < 0 or > 1 || double.IsNaN(breaker.ErrorRate))
        {
            errors.Add($"{at}.errorRate: must be between 0 (off) and 1, got {breaker.ErrorRate}");
        }

        Positive(breaker.MinRequests, $"{at}.minRequests", errors);
        if (breaker.WindowMs is < 1000 or > 15000)
        {
            errors.Add($"{at}.windowMs: must be between 1000 and 15000, got {breaker.WindowMs}");
        }

        Positive(breaker.CoolDownMs, $"{at}.coolDownMs", errors);
        if (breaker.MaxCoolDownMs < breaker.CoolDownMs)
        {
            errors.Add($"{at}.maxCoolDownMs: must be at least coolDownMs ({breaker.CoolDownMs}), got {breaker.MaxCoolDownMs}");
        }

        if (breaker.Statuses is null || breaker.Statuses.Exists(s => s is < 100 or > 599))
        {
            errors.Add($"{at}.statuses: must list HTTP statuses between 100 and 599");
        }

        return new BreakerSettings(
            Math.Max(1, breaker.ConsecutiveFailures),
            breaker.ErrorRate > 0 ? breaker.ErrorRate : double.PositiveInfinity,
            Math.Max(1, breaker.MinRequests),
            breaker.WindowMs,
            Math.Max(1, breaker.CoolDownMs),
            Math.Max(Math.Max(1, breaker.CoolDownMs), breaker.MaxCoolDownMs));
    }

    private static void ValidateOutlier(OutlierOptions outlier, string at, List<string> errors)
    {
        if (outlier.Ratio <= 1 || double.IsNaN(outlier.Ratio))
        {
            errors.Add($"{at}.ratio: must be above 1, got {outlier.Ratio}");
        }

        Positive(outlier.WindowMs, $"{at}.windowMs", errors);
        if (outlier.MinLatencyMs < 0 || double.IsNaN(outlier.MinLatencyMs))
        {
            errors.Add($"{at}.minLatencyMs: must not be negative, got {outlier.MinLatencyMs}");
        }

        Positive(outlier.BaseEjectionMs, $"{at}.baseEjectionMs", errors);
        if (outlier.MaxEjectionMs < outlier.BaseEjectionMs)
        {
            errors.Add($"{at}.maxEjectionMs: must be at least baseEjectionMs ({outlier.BaseEjectionMs}), got {outlier.MaxEjectionMs}");
        }

        if (outlier.MaxEjectedPercent is < 1 or > 100)
        {
            errors.Add($"{at}.maxEjectedPercent: must be between 1 and 100, got {outlier.MaxEjectedPercent}");
        }
    }

    private static RetrySettings ValidateRetry(RetryOptions? retry, string at, List<string> errors)
    {
        if (retry is null)
        {
            return RetrySettings.Default;
        }

        Positive(retry.Attempts, $"{at}.attempts", errors);
        if (retry.Attempts > 10)
        {
            errors.Add($"{at}.attempts: at most 10, got {retry.Attempts}");
        }

        bool onTimeout = false;
        var statuses = new List<int>();
        foreach (string on in retry.On ?? [])
        {
            if (on == "timeout")
            {
                onTimeout = true;
            }
            else if (int.TryParse(on, out int status) && status is >= 500 and <= 599)
            {
                statuses.Add(status);
            }
            else
            {
                errors.Add($"{at}.on: '{on}' is neither 'timeout' nor a 5xx status");
            }
        }

        if (retry.BodyBytes < 0)
        {
            errors.Add($"{at}.bodyBytes: must not be negative, got {retry.BodyBytes}");
        }

        if (retry.BackoffMs < 0)
        {
            errors.Add($"{at}.backoffMs: must not be negative, got {retry.BackoffMs}");
        }

        return new RetrySettings(Math.Max(1, retry.Attempts), onTimeout, statuses, Math.Max(0, retry.BodyBytes), Math.Max(0, retry.BackoffMs));
    }

    private static void PositiveIfSet(int? value, string field, List<string> errors)
    {
        if (value is int set)
        {
            Positive(set, field, errors);
        }
    }

    private static void Positive(long value, string field, List<string> errors)
    {
        if (value <= 0)
        {
            errors.Add($"{field}: must be positive, got {value}");
        }
    }

    /// <summary>Parses a listen address: an IP literal and a port, e.g. <c>127.0.0.1:8080</c> or <c>[::1]:8080</c>.</summary>
    internal static IPEndPoint? ParseListen(string? text, string field, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add($"{field}: required");
            return null;
        }

        if (text.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase) && int.TryParse(text.AsSpan(10), out int localPort) && localPort is >= 0 and <= 65535)
        {
            return new IPEndPoint(IPAddress.Loopback, localPort);
        }

        if (!IPEndPoint.TryParse(text, out IPEndPoint? endPoint) || !HasPort(text))
        {
            errors.Add($"{field}: '{text}' is not an IP address and port such as 127.0.0.1:8080");
            return null;
        }

        return endPoint;
    }

    /// <summary>Parses a backend address: an IP literal or a host name, and a port.</summary>
    internal static EndPoint? ParseBackend(string? text, string field, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add($"{field}: required");
            return null;
        }

        if (IPEndPoint.TryParse(text, out IPEndPoint? ip) && HasPort(text))
        {
            if (ip.Port == 0)
            {
                errors.Add($"{field}: port 0 is not a backend port");
                return null;
            }

            return ip;
        }

        int colon = text.LastIndexOf(':');
        if (colon > 0 && int.TryParse(text.AsSpan(colon + 1), out int port) && port is > 0 and <= 65535
            && Uri.CheckHostName(text[..colon]) == UriHostNameType.Dns)
        {
            string host = text[..colon];
            return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? new IPEndPoint(IPAddress.Loopback, port) : new DnsEndPoint(host, port);
        }

        errors.Add($"{field}: '{text}' is not a host and port such as 127.0.0.1:9101");
        return null;
    }

    private static bool HasPort(string text)
    {
        int colon = text.LastIndexOf(':');
        int bracket = text.LastIndexOf(']');
        return colon > bracket && colon < text.Length - 1;
    }
}

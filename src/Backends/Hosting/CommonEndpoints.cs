using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FastLb.Backends.Hosting;

/// <summary>Endpoints every service has: /health, /metrics, /admin/faults.</summary>
internal static class CommonEndpoints
{
    /// <summary>Maps the common endpoints.</summary>
    public static void Map(WebApplication app, BackendContext context)
    {
        string service = context.Options.Service.ToString().ToLowerInvariant();
        app.MapGet("/health", () =>
        {
            HealthBody body = Health(context, service);
            return Api.Json(body, HostingJsonContext.Default.HealthBody, body.Status == "unhealthy" ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
        });
        app.MapGet("/metrics", async () => Results.Text(await context.Metrics.WriteAsync(context.Stats, context.Faults).ConfigureAwait(false), "text/plain; version=0.0.4; charset=utf-8"));
        app.MapFallback(() => Api.Fail(StatusCodes.Status404NotFound, "Not found", "no such endpoint", null));
        app.MapGet("/admin/faults", () => Api.Json(ToBody(context.Faults.Current), HostingJsonContext.Default.FaultsBody));
        app.MapPut("/admin/faults", Api.Handler(async http =>
        {
            var (update, error) = await Api.ReadAsync(http.Request, HostingJsonContext.Default.FaultsBody).ConfigureAwait(false);
            if (error is not null) return error;
            FaultSnapshot current = context.Faults.Current;
            if (update!.DelayMs is < 0) return Api.BadRequest("delayMs", "must be >= 0");
            if (update.JitterMs is < 0) return Api.BadRequest("jitterMs", "must be >= 0");
            if (update.ErrorRate is { } rate && (rate < 0 || rate > 1 || double.IsNaN(rate))) return Api.BadRequest("errorRate", "must be between 0 and 1");
            if (update.Capacity is < 0) return Api.BadRequest("capacity", "must be >= 0 (0: unlimited)");
            if (update.ErrorStatus is < 500 or > 599) return Api.BadRequest("errorStatus", "must be a 5xx status");
            if (update.Status is not null && update.Status is not ("healthy" or "degraded" or "unhealthy" or "auto"))
            {
                return Api.BadRequest("status", "must be healthy, degraded, unhealthy or auto");
            }

            var next = new FaultSnapshot(
                update.DelayMs ?? current.DelayMs,
                update.JitterMs ?? current.JitterMs,
                update.ErrorRate ?? current.ErrorRate,
                update.Capacity ?? current.Capacity,
                update.Status is null ? current.Status : update.Status == "auto" ? null : update.Status)
            {
                ErrorStatus = update.ErrorStatus ?? current.ErrorStatus,
            };
            context.Faults.Set(next);
            return Api.Json(ToBody(next), HostingJsonContext.Default.FaultsBody);
        }));
    }

    /// <summary>The health report: forced status if set, else unhealthy at error rate >= 0.5, degraded while queueing or failing on purpose.</summary>
    public static HealthBody Health(BackendContext context, string service)
    {
        FaultSnapshot faults = context.Faults.Current;
        int queued = context.Faults.Queued;
        string status = faults.Status
            ?? (faults.ErrorRate >= 0.5 ? "unhealthy" : queued > 0 || faults.ErrorRate > 0 ? "degraded" : "healthy");
        return new HealthBody(
            status,
            Math.Round(context.Stats.CpuPercent(), 2),
            context.Stats.Active,
            Math.Round(context.Stats.AvgResponseMs, 3),
            queued,
            service,
            context.InstanceName);
    }

    private static FaultsBody ToBody(FaultSnapshot s) => new(s.DelayMs, s.JitterMs, s.ErrorRate, s.Capacity, s.Status ?? "auto", s.ErrorStatus);
}

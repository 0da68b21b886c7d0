using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FastLb.Backends.Hosting;

/// <summary>Wraps every /api request: capacity gate, injected delay and errors, stats and metrics, 500 on a bug.</summary>
internal sealed class FaultMiddleware
{
    private readonly RequestDelegate _next;
    private readonly BackendContext _context;
    private readonly ILogger _log;

    /// <summary>Creates the middleware for one instance.</summary>
    public FaultMiddleware(RequestDelegate next, BackendContext context)
    {
        _next = next;
        _context = context;
        _log = context.Loggers.CreateLogger<FaultMiddleware>();
    }

    /// <summary>Runs one request.</summary>
    public async Task InvokeAsync(HttpContext http)
    {
        if (!http.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
        {
            await _next(http).ConfigureAwait(false);
            return;
        }

        long start = Stopwatch.GetTimestamp();
        _context.Stats.Begin();
        SemaphoreSlim? gate = null;
        try
        {
            gate = await _context.Faults.EnterAsync(http.RequestAborted).ConfigureAwait(false);
            FaultSnapshot faults = _context.Faults.Current;
            int delay = _context.Faults.NextDelayMs(faults);
            if (delay > 0)
            {
                // A timer, not CPU burn: the point is latency without load.
                await Task.Delay(TimeSpan.FromMilliseconds(delay), _context.Time, http.RequestAborted).ConfigureAwait(false);
            }

            if (_context.Faults.NextIsError(faults))
            {
                _context.Metrics.InjectedError();
                await Api.WriteProblemAsync(http, faults.ErrorStatus, "Injected fault", "error-rate knob").ConfigureAwait(false);
                return;
            }

            await _next(http).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
        catch (Exception e)
        {
            _log.LogError(e, "{Method} {Path} failed", http.Request.Method, http.Request.Path);
            if (!http.Response.HasStarted)
            {
                http.Response.Clear();
                await Api.WriteProblemAsync(http, StatusCodes.Status500InternalServerError, "Internal error", e.GetType().Name).ConfigureAwait(false);
            }
        }
        finally
        {
            gate?.Release();
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            _context.Stats.End(ms);
            _context.Metrics.Observe(http.Response.StatusCode, ms);
        }
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace FastLb.Backends.Hosting;

/// <summary>A started backend instance: its address, and stopping it.</summary>
public sealed class RunningBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _stopped;

    internal RunningBackend(WebApplication app, BackendContext context, Uri baseAddress)
    {
        _app = app;
        Context = context;
        BaseAddress = baseAddress;
    }

    /// <summary>The service it runs.</summary>
    public BackendService Service => Context.Options.Service;

    /// <summary>Where it listens, e.g. http://127.0.0.1:40123/.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The bound port.</summary>
    public int Port => BaseAddress.Port;

    /// <summary>The instance name reported in metrics and echo answers.</summary>
    public string InstanceName => Context.InstanceName;

    /// <summary>Shared state, for tests and the CLI.</summary>
    internal BackendContext Context { get; }

    /// <summary>Changes the fault knobs at run time, like <c>PUT /admin/faults</c>; null leaves a knob as it is, status "auto" clears a forced status.</summary>
    public void SetFaults(int? delayMs = null, int? jitterMs = null, double? errorRate = null, int? capacity = null, string? status = null)
    {
        if (delayMs < 0 || jitterMs < 0 || capacity < 0) throw new ArgumentOutOfRangeException(nameof(delayMs), "knobs must be >= 0");
        if (errorRate is { } rate && (rate < 0 || rate > 1)) throw new ArgumentOutOfRangeException(nameof(errorRate), "must be between 0 and 1");
        if (status is not (null or "healthy" or "degraded" or "unhealthy" or "auto")) throw new ArgumentOutOfRangeException(nameof(status), "healthy, degraded, unhealthy or auto");
        FaultSnapshot current = Context.Faults.Current;
        Context.Faults.Set(new FaultSnapshot(
            delayMs ?? current.DelayMs,
            jitterMs ?? current.JitterMs,
            errorRate ?? current.ErrorRate,
            capacity ?? current.Capacity,
            status is null ? current.Status : status == "auto" ? null : status) { ErrorStatus = current.ErrorStatus });
    }

    /// <summary>Completes when the host shuts down (Ctrl+C, SIGTERM, or <see cref="StopAsync"/>).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops listening, stops background loops, closes database connections.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        Context.SignalStopping();
        await _app.StopAsync().ConfigureAwait(false);
        await Context.DisposeAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Same as <see cref="StopAsync"/>.</summary>
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}

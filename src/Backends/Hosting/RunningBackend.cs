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

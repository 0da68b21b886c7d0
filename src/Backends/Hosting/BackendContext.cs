using Microsoft.Extensions.Logging;

namespace FastLb.Backends.Hosting;

/// <summary>What one instance's services share: options, clock, knobs, stats, metrics, tokens, background loops.</summary>
internal sealed class BackendContext : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];
    private readonly List<IAsyncDisposable> _resources = [];

    /// <summary>Creates the shared state of one instance.</summary>
    public BackendContext(BackendOptions options, string instanceName, ILoggerFactory loggers)
    {
        Options = options;
        InstanceName = instanceName;
        Loggers = loggers;
        Time = options.TimeProvider;
        Faults = new FaultState(new FaultSnapshot(options.DelayMs, options.JitterMs, options.ErrorRate, options.Capacity, null), options.Seed);
        Stats = new RequestStats(Time);
        Metrics = new BackendMetrics(options.Service.ToString().ToLowerInvariant(), instanceName);
        Tokens = new JwtTokens(options.JwtKey, Time);
    }

    /// <summary>The options the instance started with.</summary>
    public BackendOptions Options { get; }

    /// <summary>The instance name used in metrics.</summary>
    public string InstanceName { get; }

    /// <summary>Logger factory (stderr).</summary>
    public ILoggerFactory Loggers { get; }

    /// <summary>The instance's clock.</summary>
    public TimeProvider Time { get; }

    /// <summary>Fault knobs.</summary>
    public FaultState Faults { get; }

    /// <summary>Numbers for /health.</summary>
    public RequestStats Stats { get; }

    /// <summary>Numbers for /metrics.</summary>
    public BackendMetrics Metrics { get; }

    /// <summary>JWT issue and validation.</summary>
    public JwtTokens Tokens { get; }

    /// <summary>Cancelled when the instance stops.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Runs a background loop until the instance stops; exceptions other than cancellation are logged.</summary>
    public void RunLoop(string name, Func<CancellationToken, Task> loop)
    {
        ILogger log = Loggers.CreateLogger("FastLb.Backends." + name);
        _loops.Add(Task.Run(async () =>
        {
            try
            {
                await loop(_stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                log.LogError(e, "{Loop} stopped", name);
            }
        }));
    }

    /// <summary>Disposes <paramref name="resource"/> when the instance stops, after the loops.</summary>
    public T Own<T>(T resource)
        where T : IAsyncDisposable
    {
        _resources.Add(resource);
        return resource;
    }

    /// <summary>Cancels <see cref="Stopping"/>: loops and running sagas end now, before the host drains requests.</summary>
    public void SignalStopping() => _stopping.Cancel();

    /// <summary>Stops the loops, then disposes owned resources in reverse order.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested) await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_loops).ConfigureAwait(false);
        for (int i = _resources.Count - 1; i >= 0; i--)
        {
            await _resources[i].DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }
}

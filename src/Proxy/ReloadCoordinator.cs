using FastLb.Proxy.Configuration;
using FastLb.Proxy.Runtime;

namespace FastLb.Proxy;

/// <summary>Config reload: reads the file again, refuses it whole or hands it to <see cref="ProxyRuntime.Apply"/>, and keeps the reload status.</summary>
/// <remarks>
/// <para>A reload reads the file through <see cref="ConfigSource.Load"/> (the same loader and
/// validator as at start). A file that is invalid, or that changes what only a restart can
/// (<see cref="ConfigDiff.RestartOnly"/>), is refused as a whole and the running config stays.
/// Otherwise the next snapshot is built off the hot path and published with one volatile write.</para>
/// <para>Reloads run one at a time (a semaphore, never taken by a request); <see cref="StopAsync"/>
/// waits for one under way and refuses the later ones.</para>
/// </remarks>
internal sealed class ReloadCoordinator(ConfigSource? source, ProxyRuntime runtime, TimeProvider time, Func<bool> isRunning, TextWriter log)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ReloadStatus _status = new(1, time.GetUtcNow(), 0, 0, null, null);
    private bool _stopped;

    /// <summary>Where a reload reads the config from; null when the proxy runs from flags.</summary>
    public ConfigSource? Source => source;

    /// <summary>Config reloads so far.</summary>
    public ReloadStatus Status => Volatile.Read(ref _status);

    /// <summary>Reads the config file again and applies it, or refuses it whole; logs and counts the outcome.</summary>
    /// <remarks>Called for SIGHUP and <c>POST /reload</c>.</remarks>
    public async Task<ReloadResult> ReloadAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            RoutingSnapshot running = runtime.Routing.Current;
            if (source is null)
            {
                log.WriteLine("fastlb: reload ignored: no config file to reload (started with --listen/--backend); restart with the new flags instead");
                return new ReloadResult(ReloadOutcome.NoFile, running.Generation, [], ["no config file to reload: the proxy was started with --listen/--backend flags; restart with the new flags"]);
            }

            if (_stopped || !isRunning())
            {
                return new ReloadResult(ReloadOutcome.NotRunning, running.Generation, [], ["the proxy is not running (starting or draining)"]);
            }

            ReloadResult result = await ApplyAsync(running, source).ConfigureAwait(false);
            ReloadStatus status = Status;
            DateTimeOffset now = time.GetUtcNow();
            Volatile.Write(ref _status, result.Outcome == ReloadOutcome.Applied
                ? status with { Generation = result.Generation, LoadedAt = now, Applied = status.Applied + 1, Last = result, LastAt = now }
                : status with { Refused = status.Refused + 1, Last = result, LastAt = now });
            log.WriteLine(result.Outcome == ReloadOutcome.Applied
                ? $"fastlb: config {source.Path} reloaded, generation {result.Generation}: {(result.Changes.Count == 0 ? "no changes" : string.Join("; ", result.Changes))}"
                : $"fastlb: config {source.Path} refused, generation {running.Generation} keeps running:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", result.Errors)}");
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Waits for a reload under way to finish; later ones are refused.</summary>
    public async Task StopAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        _stopped = true;
        _gate.Release();
    }

    private async Task<ReloadResult> ApplyAsync(RoutingSnapshot running, ConfigSource config)
    {
        ProxyConfig next;
        try
        {
            next = config.Load();
        }
        catch (ConfigException e)
        {
            return new ReloadResult(ReloadOutcome.Refused, running.Generation, [], e.Errors);
        }

        List<string> errors = ConfigDiff.RestartOnly(running.Config, next);
        if (errors.Count > 0)
        {
            return new ReloadResult(ReloadOutcome.Refused, running.Generation, [], errors);
        }

        var changes = new List<string>();
        ConfigDiff.DescribeGlobal(running.Config, next, changes);
        IReadOnlyList<string> refused = await runtime.Apply(next, changes).ConfigureAwait(false);
        return refused.Count > 0
            ? new ReloadResult(ReloadOutcome.Refused, running.Generation, [], refused)
            : new ReloadResult(ReloadOutcome.Applied, running.Generation + 1, changes, []);
    }
}

using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace FastLb.Cli.Demo;

/// <summary>A <c>fastlb</c> command the demo runs as a child process (the proxy, the trainer), with its output in a file;
/// stopped with SIGTERM, then killed with its process tree if it does not end in time.</summary>
internal sealed partial class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Task _pump;
    private int _disposed;

    private ChildProcess(Process process, StreamWriter log)
    {
        _process = process;
        _log = log;
        _pump = Task.WhenAll(PumpAsync(process.StandardOutput), PumpAsync(process.StandardError));
    }

    /// <summary>The child's process id.</summary>
    public int Id => _process.Id;

    /// <summary>Whether it has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Starts <c>fastlb ARGS</c> (the same executable as this process), its stdout and stderr appended to <paramref name="logPath"/>.</summary>
    public static ChildProcess Start(IReadOnlyList<string> args, string logPath, string workingDirectory)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        string processPath = Environment.ProcessPath ?? "dotnet";
        if (Path.GetFileNameWithoutExtension(processPath).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            // Run as `dotnet fastlb.dll`: the child runs the same build.
            info.FileName = processPath;
            info.ArgumentList.Add(Assembly.GetEntryAssembly()?.Location is { Length: > 0 } entry && entry.EndsWith("fastlb.dll", StringComparison.Ordinal)
                ? entry
                : Path.Combine(AppContext.BaseDirectory, "fastlb.dll"));
        }
        else
        {
            info.FileName = processPath;
        }

        foreach (string arg in args) info.ArgumentList.Add(arg);
        var log = new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
        Process process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {info.FileName}");
        return new ChildProcess(process, log);
    }

    /// <summary>Waits for it to exit; returns its exit code.</summary>
    public async Task<int> WaitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        await _pump.ConfigureAwait(false);
        return _process.ExitCode;
    }

    /// <summary>SIGTERM, up to <paramref name="grace"/> to exit, then a kill of the whole tree.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited) return;
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            _ = Kill(_process.Id, 15);
        }

        using var wait = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Stops it (5 s grace) and closes its log.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            await StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            await _pump.ConfigureAwait(false);
        }
        finally
        {
            _process.Dispose();
            await _log.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    private async Task PumpAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            lock (_log) _log.WriteLine(line);
        }
    }
}

using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace FastLb.Proxy.Tests.Infrastructure;

/// <summary>The real <c>fastlb</c> executable in a child process, for what only a process shows: signals, exit codes, memory.</summary>
public sealed partial class FastLbProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource<IPEndPoint> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FastLbProcess(Process process) => _process = process;

    /// <summary>The process id.</summary>
    public int Pid => _process.Id;

    /// <summary>Everything written to stderr so far.</summary>
    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Starts <c>fastlb</c> with <paramref name="arguments"/>.</summary>
    public static FastLbProcess Start(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "fastlb.dll"));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        var wrapper = new FastLbProcess(process);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                wrapper._listening.TrySetException(new InvalidOperationException("fastlb exited before listening:\n" + wrapper.Stderr));
                return;
            }

            lock (wrapper._stderr)
            {
                wrapper._stderr.AppendLine(e.Data);
            }

            Match match = ListenerLine().Match(e.Data);
            if (match.Success)
            {
                wrapper._listening.TrySetResult(IPEndPoint.Parse(match.Groups[1].Value));
            }
        };
        process.Start();
        process.BeginErrorReadLine();
        return wrapper;
    }

    /// <summary>Runs <c>fastlb</c> to its end; returns exit code, stdout and stderr.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunToEndAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "fastlb.dll"));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Waits until the first listener is bound and returns its address.</summary>
    public Task<IPEndPoint> ListeningAsync() => _listening.Task.WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>Sends SIGTERM.</summary>
    public void Terminate()
    {
        using Process kill = Process.Start("kill", $"-TERM {_process.Id}");
        kill.WaitForExit();
    }

    /// <summary>Sends SIGHUP (config reload).</summary>
    public void Hangup()
    {
        using Process kill = Process.Start("kill", $"-HUP {_process.Id}");
        kill.WaitForExit();
    }

    /// <summary>The admin endpoint's address, from the line <c>fastlb: admin on http://...</c> on stderr.</summary>
    public Uri AdminUri()
    {
        Match match = AdminLine().Match(Stderr);
        return match.Success ? new Uri(match.Groups[1].Value) : throw new InvalidOperationException("no admin line on stderr yet:\n" + Stderr);
    }

    /// <summary>Waits for the exit and returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    /// <summary>A field of /proc/PID/status in kB (VmRSS, VmHWM).</summary>
    public long ProcStatusKb(string field)
    {
        foreach (string line in File.ReadAllLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
            }
        }

        throw new InvalidOperationException($"no {field} in /proc/{_process.Id}/status");
    }

    [GeneratedRegex(@"listener '[^']+' on (\S+)$")]
    private static partial Regex ListenerLine();

    [GeneratedRegex(@"fastlb: admin on (http://\S+)")]
    private static partial Regex AdminLine();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}

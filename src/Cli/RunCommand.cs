using System.CommandLine;
using System.Runtime.InteropServices;
using FastLb.Proxy;
using FastLb.Proxy.Configuration;
using FastLb.Proxy.Runtime;

namespace FastLb.Cli;

/// <summary><c>fastlb run</c>: the proxy, from a config file or from flags for one pool.</summary>
internal static class RunCommand
{
    private const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";


    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "Config file (fastlb.json)." };
        var listen = new Option<string?>("--listen") { Description = "Listen address for a one-pool proxy, e.g. 127.0.0.1:8080." };
        var backends = new Option<string[]>("--backend") { Description = "Backend address (repeat for several).", AllowMultipleArgumentsPerToken = false };
        var mode = new Option<string>("--mode") { Description = "http or tcp.", DefaultValueFactory = _ => "http" };
        var policy = new Option<string>("--policy") { Description = "Routing policy name.", DefaultValueFactory = _ => "round_robin" };
        var admin = new Option<string>("--admin") { Description = "Admin endpoint address.", DefaultValueFactory = _ => "127.0.0.1:9090" };
        var requestLog = new Option<string?>("--request-log") { Description = "Write the request log (CSV) to this path." };
        var noSplice = new Option<bool>("--no-splice") { Description = "tcp mode: copy through a buffer instead of splice(2)." };
        var deadline = new Option<int?>("--deadline-ms") { Description = "The pool's deadline: fastlb with a model sheds (503) a request it predicts to take longer." };

        var command = new Command("run", "Run the proxy.") { config, listen, backends, mode, policy, admin, requestLog, noSplice, deadline };
        command.SetAction(parse =>
        {
            ProxyConfig proxyConfig = Build(
                parse.GetValue(config), parse.GetValue(listen), parse.GetValue(backends) ?? [], parse.GetValue(mode)!,
                parse.GetValue(policy)!, parse.GetValue(admin)!, parse.GetValue(requestLog),
                listenGiven: parse.GetResult(listen) is not null, splice: !parse.GetValue(noSplice), deadlineMs: parse.GetValue(deadline));
            string? file = parse.GetValue(config);
            string? logPath = parse.GetValue(requestLog);
            ConfigSource? source = file is null ? null : new ConfigSource(file, () => LoadFile(file, logPath));
            return RunAsync(proxyConfig, source).GetAwaiter().GetResult();
        });
        return command;
    }

    /// <summary>Builds the config from a file or from the one-pool flags; bad input throws <see cref="UsageException"/>.</summary>
    internal static ProxyConfig Build(string? file, string? listen, string[] backends, string mode, string policy, string admin, string? requestLog, bool listenGiven, bool splice = true, int? deadlineMs = null)
    {
        try
        {
            if (file is not null)
            {
                if (listenGiven || backends.Length > 0 || deadlineMs is not null)
                {
                    throw new UsageException("--config cannot be combined with --listen, --backend or --deadline-ms");
                }

                return LoadFile(file, requestLog);
            }

            if (listen is null)
            {
                throw new UsageException("--config or --listen is required");
            }

            if (backends.Length == 0)
            {
                throw new UsageException("--backend: at least one backend is required with --listen");
            }

            var options = new ProxyOptions
            {
                Admin = new AdminOptions { Listen = admin },
                Listeners = [new ListenerOptions { Name = "main", Listen = listen, Mode = mode, Pool = "main", Splice = splice }],
                Pools = [new PoolOptions { Name = "main", Policy = policy, DeadlineMs = deadlineMs, Backends = [.. backends.Select(b => new BackendOptions { Address = b })] }],
                RequestLog = new RequestLogOptions { Path = requestLog },
            };
            return ConfigValidator.Validate(options);
        }
        catch (ConfigException e)
        {
            // Flags map onto config fields; name them as flags where the user typed flags.
            string message = file is null
                ? e.Message.Replace("listeners[0].listen", "--listen").Replace("listeners[0].mode", "--mode")
                    .Replace("pools[0].policy", "--policy").Replace("admin.listen", "--admin").Replace("pools[0].backends", "--backend").Replace("pools[0].deadlineMs", "--deadline-ms")
                : e.Message;
            throw new UsageException(message);
        }
    }

    /// <summary>Loads the config file with the <c>--request-log</c> override applied, at start and on every reload alike.</summary>
    /// <exception cref="ConfigException">The file is unreadable or invalid.</exception>
    internal static ProxyConfig LoadFile(string file, string? requestLog)
    {
        ProxyConfig loaded = ConfigLoader.LoadFile(file);
        return requestLog is null ? loaded : loaded with { RequestLog = new RequestLogOptions { Path = requestLog, Postgres = loaded.RequestLog.Postgres, QueueCapacity = loaded.RequestLog.QueueCapacity } };
    }

    /// <summary>Runs until SIGTERM or Ctrl-C, then drains and exits 0; SIGHUP reloads the config file.</summary>
    internal static async Task<int> RunAsync(ProxyConfig config, ConfigSource? source = null)
    {
        // Socket completions run on the epoll threads instead of hopping to the thread pool (the
        // proxy's continuations never block); bench/load.sh measured it well ahead at 16 and 64
        // connections (bench/RESULTS.md, "Inline socket completions"). Read when the first socket
        // is used, so set first; an operator's own setting wins.
        if (Environment.GetEnvironmentVariable(InlineCompletions) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletions, "1");
        }

        await using var server = new ProxyServer(config, source: source);
        try
        {
            await server.StartAsync();
        }
        catch (ConfigException e)
        {
            throw new UsageException(e.Message);
        }

        // Signals are taken before the first line is printed, so whoever waits for that line (an
        // operator's script, the process tests) can signal at once.
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);

        // SIGHUP reloads the config file, as nginx -s reload and HAProxy do; the reload logs its own
        // outcome (and, started from flags, that there is no file to reload). Cancel skips the
        // default action, which would end the process.
        using PosixSignalRegistration hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            _ = Task.Run(server.ReloadAsync);
        });

        foreach (BoundListener listener in server.Listeners)
        {
            Console.Error.WriteLine($"fastlb: {listener.Config.Mode.ToString().ToLowerInvariant()} listener '{listener.Config.Name}' on {listener.EndPoint}");
        }

        Console.Error.WriteLine($"fastlb: admin on http://{server.AdminEndPoint}");
        await stop.Task;

        Console.Error.WriteLine("fastlb: draining");
        bool drained = await server.StopAsync();
        Console.Error.WriteLine(drained ? "fastlb: stopped" : "fastlb: stopped; drain timeout cut some connections");
        return CliRunner.Ok;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.TrySetResult();
        }
    }
}

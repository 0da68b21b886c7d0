using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FastLb.Cli.Demo;

/// <summary>The demo's FastLb: <c>fastlb run --config</c> as a child process, one pool per service routed by <c>/api/&lt;service&gt;</c>;
/// the policy changes through the proxy's own reload (the config file rewritten, then <c>POST /reload</c>).</summary>
internal sealed class DemoProxy : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly HttpClient _admin;
    private int _disposed;

    private DemoProxy(ChildProcess process, Uri listen, Uri admin, string configPath, string modelPath, string logPath)
    {
        _process = process;
        Listen = listen;
        Admin = admin;
        ConfigPath = configPath;
        ModelPath = modelPath;
        RequestLogPath = logPath;
        _admin = new HttpClient { BaseAddress = admin, Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>The shop's entry, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Listen { get; }

    /// <summary>The admin endpoint.</summary>
    public Uri Admin { get; }

    /// <summary>The config file the proxy runs (kept in the report folder).</summary>
    public string ConfigPath { get; }

    /// <summary>The model file the proxy watches.</summary>
    public string ModelPath { get; }

    /// <summary>The request log the proxy writes.</summary>
    public string RequestLogPath { get; }

    /// <summary>The proxy's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Writes the config for <paramref name="members"/> under <paramref name="policy"/>, starts the proxy and waits until it is ready.</summary>
    public static async Task<DemoProxy> StartAsync(string outDir, IReadOnlyList<DemoInstance> members, string policy, CancellationToken cancellationToken)
    {
        int listenPort = FreePort();
        int adminPort = FreePort();
        while (adminPort == listenPort) adminPort = FreePort();
        string configPath = Path.Combine(outDir, "fastlb.json");
        string modelPath = Path.Combine(outDir, "model", "latency.model");
        string logPath = Path.Combine(outDir, "requests.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(modelPath)!);
        await File.WriteAllTextAsync(configPath, Config(members, policy, listenPort, adminPort, modelPath, logPath), cancellationToken).ConfigureAwait(false);
        ChildProcess process = ChildProcess.Start(["run", "--config", configPath], Path.Combine(outDir, "proxy.log"), outDir);
        var proxy = new DemoProxy(process, new Uri($"http://127.0.0.1:{listenPort}/"), new Uri($"http://127.0.0.1:{adminPort}/"), configPath, modelPath, logPath);
        try
        {
            await proxy.WaitReadyAsync(cancellationToken).ConfigureAwait(false);
            return proxy;
        }
        catch
        {
            await proxy.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The config: one listener, a route and a pool per service, health checks every 500 ms, the model and the request log.</summary>
    public static string Config(IReadOnlyList<DemoInstance> members, string policy, int listenPort, int adminPort, string modelPath, string logPath)
    {
        var services = members.Select(m => m.Service.ToString().ToLowerInvariant()).Distinct().ToList();
        var root = new JsonObject
        {
            ["admin"] = new JsonObject { ["listen"] = $"127.0.0.1:{adminPort}" },
            ["listeners"] = new JsonArray(new JsonObject { ["name"] = "shop", ["listen"] = $"127.0.0.1:{listenPort}", ["mode"] = "http" }),
            ["routes"] = new JsonArray([.. services.Select(s => (JsonNode)new JsonObject { ["listener"] = "shop", ["pathPrefix"] = $"/api/{s}", ["pool"] = s })]),
            ["pools"] = new JsonArray([.. services.Select(s => (JsonNode)new JsonObject
            {
                ["name"] = s,
                ["policy"] = policy,
                ["backends"] = new JsonArray([.. members.Where(m => m.Service.ToString().Equals(s, StringComparison.OrdinalIgnoreCase))
                    .Select(m => (JsonNode)new JsonObject { ["address"] = m.Address, ["weight"] = 1 })]),
                ["healthCheck"] = new JsonObject { ["path"] = "/health", ["intervalMs"] = 500, ["timeoutMs"] = 400 },
            })]),
            ["limits"] = new JsonObject { ["responseHeaderTimeoutMs"] = 5000, ["drainTimeoutMs"] = 2000 },
            ["model"] = new JsonObject { ["path"] = modelPath },
            ["requestLog"] = new JsonObject { ["path"] = logPath },
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>Switches every pool to <paramref name="policy"/>: rewrites the config file and asks the proxy to reload it.</summary>
    public async Task SetPolicyAsync(string policy, CancellationToken cancellationToken)
    {
        JsonNode config = JsonNode.Parse(await File.ReadAllTextAsync(ConfigPath, cancellationToken).ConfigureAwait(false))!;
        foreach (JsonNode? pool in config["pools"]!.AsArray()) pool!["policy"] = policy;
        await File.WriteAllTextAsync(ConfigPath, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", cancellationToken).ConfigureAwait(false);
        using HttpResponseMessage response = await _admin.PostAsync("/reload", null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"reload to {policy} refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
        }
    }

    /// <summary>The proxy's /status document.</summary>
    public async Task<JsonDocument> StatusAsync(CancellationToken cancellationToken)
    {
        string text = await _admin.GetStringAsync("/status", cancellationToken).ConfigureAwait(false);
        return JsonDocument.Parse(text);
    }

    /// <summary>Requests forwarded so far per backend id (all pools), from /status.</summary>
    public async Task<Dictionary<string, long>> RequestsByBackendAsync(CancellationToken cancellationToken)
    {
        using JsonDocument status = await StatusAsync(cancellationToken).ConfigureAwait(false);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (JsonElement pool in status.RootElement.GetProperty("pools").EnumerateArray())
        {
            foreach (JsonElement backend in pool.GetProperty("backends").EnumerateArray())
            {
                counts[backend.GetProperty("id").GetString()!] = backend.GetProperty("requests").GetInt64();
            }
        }

        return counts;
    }

    /// <summary>Stops the proxy (SIGTERM: it drains and exits).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _admin.Dispose();
        await _process.DisposeAsync().ConfigureAwait(false);
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"the proxy exited at start; see {Path.Combine(Path.GetDirectoryName(ConfigPath)!, "proxy.log")}");
            try
            {
                using HttpResponseMessage ready = await _admin.GetAsync("/ready", deadline.Token).ConfigureAwait(false);
                if (ready.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(100, deadline.Token).ConfigureAwait(false);
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using FastLb.Backends.Hosting;
using FastLb.Load;

namespace FastLb.Cli.Demo;

/// <summary>Runs the demo: the shop and the proxy on loopback, then collect -> train -> compare under open-loop shop traffic,
/// then the report. Everything it starts is stopped when it returns, throws or is cancelled.</summary>
internal sealed class DemoRunner
{
    private const double ReportReserveS = 6;
    private const double TrainEstimateS = 10;
    private readonly DemoOptions _options;
    private readonly Action<DemoStatus>? _display;
    private readonly ConcurrentQueue<LoadSample> _samples = new();
    private readonly List<DemoSlot> _slots = [];
    private readonly Stopwatch _clock = new();
    private string _phase = "setup";
    private string _policy = string.Empty;
    private string _detail = "starting the shop";
    private bool _degraded;
    private bool _failing;
    private Dictionary<string, long> _lastCounts = new(StringComparer.Ordinal);

    /// <summary>A runner for <paramref name="options"/>; <paramref name="display"/> (optional) gets the live status twice a second.</summary>
    public DemoRunner(DemoOptions options, Action<DemoStatus>? display)
    {
        _options = options;
        _display = display;
    }

    /// <summary>Runs the demo to its end (or until <paramref name="cancellationToken"/>), writes the report folder and returns what was measured.</summary>
    public async Task<DemoReport> RunAsync(CancellationToken cancellationToken)
    {
        _clock.Start();
        string outDir = Path.GetFullPath(_options.OutDir);
        Directory.CreateDirectory(outDir);
        foreach (string stale in new[] { "requests.csv", "proxy.log", "train.log" })
        {
            File.Delete(Path.Combine(outDir, stale));
        }

        double totalS = _options.Duration.TotalSeconds;
        await using DemoShop shop = await DemoShop.StartAsync(_options.Seed, cancellationToken).ConfigureAwait(false);
        shop.Normal();
        _detail = "starting the proxy, registering customers";
        // The proxy process starts while the customers register: both mostly wait.
        Task<DemoProxy> starting = DemoProxy.StartAsync(outDir, shop.PoolMembers.ToList(), _options.CollectPolicy, cancellationToken);
        try
        {
            await shop.RegisterUsersAsync(20, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await (await starting.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
            throw;
        }

        await using DemoProxy proxy = await starting.ConfigureAwait(false);
        Dictionary<string, DemoInstance> byAddress = shop.PoolMembers.ToDictionary(i => i.Address, StringComparer.Ordinal);

        // One open-loop generator for the whole run: the traffic never pauses, the phases and policies change under it.
        double setupS = _clock.Elapsed.TotalSeconds;
        double remaining = totalS - setupS - ReportReserveS - TrainEstimateS;
        // A machine busy enough to make the setup eat the budget still gets a whole (short, late) run rather than none.
        remaining = Math.Max(remaining, 4);
        double warmupS = Math.Min(3, remaining * 0.1);
        double collectS = Math.Max(2, remaining * 0.25 - warmupS);
        var loadOptions = new LoadOptions
        {
            Target = proxy.Listen,
            Rate = _options.Rate,
            Arrivals = ArrivalKind.Poisson,
            Duration = TimeSpan.FromSeconds(totalS),
            Connections = 256,
            RequestTimeout = TimeSpan.FromSeconds(5),
            Seed = _options.Seed,
        };
        await using var generator = new LoadGenerator(loadOptions, new ShopTraffic(shop.Users), _samples.Enqueue);
        using var stopTraffic = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        long trafficStartUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var traffic = Stopwatch.StartNew();
        Task<LoadResult> running = generator.RunAsync(stopTraffic.Token);
        using var displayLoop = new CancellationTokenSource();
        Task display = DisplayAsync(generator, proxy, byAddress, totalS, displayLoop.Token);
        string? training = null;
        string? modelVersion = null;
        double trainS = 0;
        try
        {
            // warm-up: connections open and both processes compile their code; not measured and not trained on
            _phase = "warmup";
            _policy = _options.CollectPolicy;
            _detail = "connections open, code compiles";
            await RunSlotAsync(DemoSlot.Create("warmup", _options.CollectPolicy, 0, 0, warmupS, faults: false), shop, traffic, cancellationToken).ConfigureAwait(false);

            // collect
            _phase = "collect";
            _policy = _options.CollectPolicy;
            _detail = "request log on; one instance degrades, one fails for a while";
            DemoSlot collect = DemoSlot.Create("collect", _options.CollectPolicy, 0, warmupS, warmupS + collectS, faults: true);
            await RunSlotAsync(collect, shop, traffic, cancellationToken).ConfigureAwait(false);

            // train: the traffic goes on under the collect policy while fastlb train runs on what was logged so far
            _phase = "train";
            _detail = "fastlb train on the collected log";
            double trainStart = traffic.Elapsed.TotalSeconds;
            training = await TrainAsync(outDir, proxy, trafficStartUnixMs + (long)(warmupS * 1000), cancellationToken).ConfigureAwait(false);
            trainS = traffic.Elapsed.TotalSeconds - trainStart;
            _slots.Add(DemoSlot.Create("train", _options.CollectPolicy, 0, trainStart, traffic.Elapsed.TotalSeconds, faults: false));

            // compare: every policy once per round, in an order shuffled per round, the same fault schedule in each turn
            _phase = "compare";
            double compareS = totalS - _clock.Elapsed.TotalSeconds - ReportReserveS;
            int turns = _options.Policies.Count * _options.Rounds;
            double turnS = Math.Max(1, compareS / turns);
            var random = new Random(_options.Seed);
            for (int round = 0; round < _options.Rounds; round++)
            {
                string[] order = [.. _options.Policies];
                random.Shuffle(order);
                foreach (string policy in order)
                {
                    _policy = policy;
                    _detail = $"round {round + 1} of {_options.Rounds}";
                    await proxy.SetPolicyAsync(policy, cancellationToken).ConfigureAwait(false);
                    if (policy == "fastlb")
                    {
                        modelVersion ??= await ExpectModelAsync(proxy, cancellationToken).ConfigureAwait(false);
                    }

                    double start = traffic.Elapsed.TotalSeconds;
                    await RunSlotAsync(DemoSlot.Create("compare", policy, round, start, start + turnS, faults: true), shop, traffic, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            stopTraffic.Cancel();
            await running.ConfigureAwait(false);
            shop.Normal();
            displayLoop.Cancel();
            await display.ConfigureAwait(false);
        }

        // The proxy drains and flushes its request log when stopped.
        _phase = "report";
        _detail = "stopping the proxy, writing the report";
        _display?.Invoke(new DemoStatus(_phase, _policy, _detail, _clock.Elapsed.TotalSeconds, totalS, generator.TakeProgress(), new Dictionary<string, double>(), false, false));
        await proxy.DisposeAsync().ConfigureAwait(false);
        var report = DemoReport.Build(_options, outDir, _slots, [.. _samples], shop.Instances, trafficStartUnixMs, modelVersion, training, trainS,
            shop.Degrading.Name, shop.Failing.Name, _clock.Elapsed.TotalSeconds);
        report.Write(outDir);
        return report;
    }

    private async Task RunSlotAsync(DemoSlot slot, DemoShop shop, Stopwatch traffic, CancellationToken cancellationToken)
    {
        _slots.Add(slot);
        while (true)
        {
            double now = traffic.Elapsed.TotalSeconds;
            if (now >= slot.EndS) break;
            bool degraded = slot.Degraded(now);
            bool failing = slot.Failing(now);
            if (degraded != _degraded)
            {
                shop.SetDegraded(degraded);
                _degraded = degraded;
            }

            if (failing != _failing)
            {
                shop.SetFailing(failing);
                _failing = failing;
            }

            await Task.Delay(TimeSpan.FromSeconds(Math.Min(0.02, slot.EndS - now)), cancellationToken).ConfigureAwait(false);
        }

        shop.SetDegraded(false);
        shop.SetFailing(false);
        _degraded = _failing = false;
    }

    private async Task<string> TrainAsync(string outDir, DemoProxy proxy, long fromUnixMs, CancellationToken cancellationToken)
    {
        // The trainer reads a copy of the log as it stands: the proxy keeps appending to the original.
        string trainDir = Path.Combine(outDir, "train");
        Directory.CreateDirectory(trainDir);
        string collected = Path.Combine(trainDir, "collected.csv");
        await WaitForLogAsync(proxy.RequestLogPath, cancellationToken).ConfigureAwait(false);
        CopyLog(proxy.RequestLogPath, collected, fromUnixMs);
        await using ChildProcess train = ChildProcess.Start(
            ["train", "--logs", collected, "--out", proxy.ModelPath, "--rounds", "150", "--threads", "1"], Path.Combine(outDir, "train.log"), outDir);
        int exit = await train.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (exit != 0) throw new InvalidOperationException($"fastlb train exited {exit}; see {Path.Combine(outDir, "train.log")}");
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.ChangeExtension(proxy.ModelPath, ".report.json"), cancellationToken).ConfigureAwait(false));
        JsonElement root = report.RootElement;
        return $"{root.GetProperty("records").GetInt64()} rows, validation RMSE {root.GetProperty("rmse_ms").GetDouble():0.###} ms (per-backend mean: {root.GetProperty("baselines").GetProperty("per_backend_mean").GetProperty("rmse_ms").GetDouble():0.###} ms)";
    }

    private static async Task WaitForLogAsync(string path, CancellationToken cancellationToken)
    {
        for (int i = 0; i < 50 && !(File.Exists(path) && new FileInfo(path).Length > 0); i++)
        {
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    private static void CopyLog(string from, string to, long fromUnixMs)
    {
        // The rows logged since the warm-up ended, as they stand: the proxy keeps appending to the original, and its last
        // line may be half written, so only whole lines are copied.
        using var reader = new StreamReader(new FileStream(from, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        using var writer = new StreamWriter(to, append: false);
        string? header = reader.ReadLine();
        if (header is null) return;
        writer.Write(header);
        writer.Write('\n');
        int fields = header.Split(',').Length;
        while (reader.ReadLine() is { } line)
        {
            if (reader.EndOfStream && line.Split(',').Length != fields) break;
            int comma = line.IndexOf(',', StringComparison.Ordinal);
            if (comma > 0 && long.TryParse(line.AsSpan(0, comma), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out long ts) && ts < fromUnixMs) continue;
            writer.Write(line);
            writer.Write('\n');
        }
    }

    private static async Task<string> ExpectModelAsync(DemoProxy proxy, CancellationToken cancellationToken)
    {
        // The reload that made the pools fastlb also started the proxy's model watcher, which loads the trained file.
        for (int i = 0; i < 40; i++)
        {
            using JsonDocument status = await proxy.StatusAsync(cancellationToken).ConfigureAwait(false);
            if (status.RootElement.TryGetProperty("model", out JsonElement model) && model.ValueKind == JsonValueKind.Object && model.GetProperty("loaded").GetBoolean())
            {
                return model.GetProperty("version").GetString() ?? "?";
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        throw new InvalidOperationException("the proxy did not load the trained model within 2 s of switching to fastlb");
    }

    private async Task DisplayAsync(LoadGenerator generator, DemoProxy proxy, Dictionary<string, DemoInstance> byAddress, double totalS, CancellationToken cancellationToken)
    {
        if (_display is null) return;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(500, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var share = new Dictionary<string, double>(StringComparer.Ordinal);
            try
            {
                Dictionary<string, long> counts = await proxy.RequestsByBackendAsync(cancellationToken).ConfigureAwait(false);
                foreach (IGrouping<BackendService, DemoInstance> pool in byAddress.Values.GroupBy(i => i.Service))
                {
                    long total = pool.Sum(i => Delta(counts, i.Address));
                    foreach (DemoInstance instance in pool)
                    {
                        share[instance.Name] = total > 0 ? (double)Delta(counts, instance.Address) / total : 0;
                    }
                }

                _lastCounts = counts;
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or JsonException)
            {
                // the admin endpoint is busy or going away: show the traffic without shares this time
            }

            _display(new DemoStatus(_phase, _policy, _detail, _clock.Elapsed.TotalSeconds, totalS, generator.TakeProgress(), share, _degraded, _failing));
        }
    }

    private long Delta(Dictionary<string, long> counts, string address) =>
        counts.GetValueOrDefault(address) - _lastCounts.GetValueOrDefault(address);
}

using System.Text.RegularExpressions;
using FastLb.Proxy.Configuration;
using FastLb.Proxy.Tests.Infrastructure;
using static FastLb.Proxy.Tests.Admin.AdminEndpointTests;

namespace FastLb.Proxy.Tests.Admin;

/// <summary>
/// What dashboards depend on in <c>/metrics</c>: family names, types, help texts and label sets, before
/// and after a reload that removes a backend and a pool. The expected shape is
/// <c>metrics-shape.txt</c> next to this file (values dropped, backend addresses as A and B), taken
/// from the hand-written exposition before it moved to prometheus-net, with the families added since
/// (breakers, ejection, slow start, retry budget, timeouts, fail open). Regenerate it with
/// <c>FASTLB_WRITE_METRICS_SHAPE=PATH</c> and review the diff.
/// </summary>
public sealed class MetricsShapeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fastlb-shape-").FullName;

    // Pool main: backends a then b (when given); pool fast (fastlb policy, the model) in front of a.
    private static string Config(string a, string? b, string modelPath, bool fastPool)
    {
        string main = $"{{ \"address\": \"{a}\", \"weight\": 1 }}" + (b is null ? "" : $", {{ \"address\": \"{b}\", \"weight\": 1 }}");
        string fast = fastPool ? $", {{ \"name\": \"fast\", \"policy\": \"fastlb\", \"backends\": [ {{ \"address\": \"{a}\", \"weight\": 1 }} ] }}" : "";
        return $$"""
            {
              "admin": { "listen": "127.0.0.1:0" },
              "model": { "path": "{{modelPath}}" },
              "listeners": [ { "name": "web", "listen": "127.0.0.1:0", "mode": "http", "pool": "main" } ],
              "pools": [ { "name": "main", "policy": "round_robin", "backends": [ {{main}} ] }{{fast}} ]
            }
            """;
    }

    [Fact]
    public async Task Metrics_BeforeAndAfterReload_SameFamiliesTypesHelpAndLabelSets_NoStaleSeries()
    {
        string model = Path.Combine(_folder, "latency.model");
        File.Copy(Model.ModelWatcherTests.RepositoryModel, model);
        string config = Path.Combine(_folder, "fastlb.json");
        await using TestBackend a = await TestBackend.StartAsync("a");
        await using TestBackend b = await TestBackend.StartAsync("b");
        File.WriteAllText(config, Config(a.Address, b.Address, model, fastPool: true));
        await using ProxyHost proxy = await ProxyHost.StartFromFileAsync(config);
        using var client = new HttpClient();
        for (int i = 0; i < 4; i++)
        {
            await client.GetStringAsync(new Uri(proxy.BaseUri, "/hello"));
        }

        await WaitUntilAsync(() => proxy.Server.Pools[0].Backends.Sum(x => x.Metrics.Requests(Proxy.Metrics.StatusClass.Of(200))) == 4);
        string before = await ScrapeAsync(client, proxy);

        File.WriteAllText(config, Config(a.Address, null, model, fastPool: false));
        Assert.Equal(ReloadOutcome.Applied, (await proxy.Server.ReloadAsync()).Outcome);
        await client.GetStringAsync(new Uri(proxy.BaseUri, "/hello"));
        await WaitUntilAsync(() => proxy.Server.Pools[0].Backends[0].Metrics.Requests(Proxy.Metrics.StatusClass.Of(200)) == 3);
        string after = await ScrapeAsync(client, proxy);

        // The kept backend's counters carry on across the reload; the removed one's series are gone.
        Assert.Contains($"fastlb_requests_total{{pool=\"main\",backend=\"{a.Address}\",status_class=\"2xx\",policy=\"round_robin\"}} 3\n", after);
        Assert.DoesNotContain(b.Address, after);
        Assert.DoesNotContain("pool=\"fast\"", after);
        Assert.Contains("fastlb_config_generation 2\n", after);

        // A backend removed and added again between two scrapes counts afresh (a new BackendMetrics): its
        // series shows the new count, as the hand-written writer did, not the old one held by IncTo.
        File.WriteAllText(config, Config(b.Address, null, model, fastPool: false));
        Assert.Equal(ReloadOutcome.Applied, (await proxy.Server.ReloadAsync()).Outcome);
        File.WriteAllText(config, Config(b.Address, a.Address, model, fastPool: false));
        Assert.Equal(ReloadOutcome.Applied, (await proxy.Server.ReloadAsync()).Outcome);
        long again = proxy.Server.Pools[0].Backends[1].Metrics.Requests(Proxy.Metrics.StatusClass.Of(200));
        Assert.True(again < 3, $"backend a re-added with {again} requests counted");
        string readded = await ScrapeAsync(client, proxy);
        Assert.Contains($"fastlb_requests_total{{pool=\"main\",backend=\"{a.Address}\",status_class=\"2xx\",policy=\"round_robin\"}} {again}\n", readded);

        string shape = "# before reload\n" + Shape(before, a.Address, b.Address) + "# after reload\n" + Shape(after, a.Address, b.Address);
        string expectedPath = Path.Combine(RepositoryRoot, "tests", "FastLb.Proxy.Tests", "Admin", "metrics-shape.txt");
        if (Environment.GetEnvironmentVariable("FASTLB_WRITE_METRICS_SHAPE") is { Length: > 0 } write)
        {
            File.WriteAllText(write, shape);
            File.WriteAllText(write + ".raw", before + "# after reload\n" + after);
        }

        Assert.Equal(File.ReadAllText(expectedPath), shape);
    }

    private static async Task<string> ScrapeAsync(HttpClient client, ProxyHost proxy)
    {
        string metrics = await client.GetStringAsync(new Uri(proxy.AdminUri, "/metrics"));
        (int exitCode, string output) = await RunAsync("promtool", "check metrics", metrics);
        Assert.True(exitCode == 0, $"promtool check metrics failed:\n{output}");
        string[] series = metrics.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l => l[..l.LastIndexOf(' ')]).ToArray();
        Assert.Equal(series.Length, series.Distinct().Count());
        return metrics;
    }

    /// <summary>HELP and TYPE lines and series without values, sorted (the order of families is not part of the format's meaning).</summary>
    private static string Shape(string metrics, string a, string b) => string.Concat(metrics.Split('\n')
        .Where(l => l.Length > 0)
        .Select(l => l[0] == '#' ? l : l[..l.LastIndexOf(' ')])
        .Select(l => l.Replace(a, "A", StringComparison.Ordinal).Replace(b, "B", StringComparison.Ordinal))
        .Order(StringComparer.Ordinal)
        .Select(l => l + "\n"));

    private static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "FastLb.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new DirectoryNotFoundException("FastLb.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

using System.Net;
using System.Text.Json;
using FastLb.Policy.Learning;
using FastLb.Proxy.Tests.Infrastructure;

namespace FastLb.Proxy.Tests.Model;

public sealed class ModelWatcherTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fastlb-model-").FullName;

    internal static string RepositoryModel
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "models", "latency.model");
                if (File.Exists(Path.Combine(dir.FullName, "FastLb.sln")) && File.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new FileNotFoundException("models/latency.model not found above " + AppContext.BaseDirectory);
        }
    }

    [Fact]
    public async Task NewModelFile_UnderLoad_SwappedWithoutFailedRequests_BadFileRefused()
    {
        string path = Path.Combine(_folder, "latency.model");
        File.Copy(RepositoryModel, path);
        await using TestBackend a = await TestBackend.StartAsync("a");
        await using TestBackend b = await TestBackend.StartAsync("b");
        await using ProxyHost proxy = await ProxyHost.StartAsync([a.Address, b.Address], policy: "fastlb", configure: o => o.Model.Path = path);
        var watcher = proxy.Server.Model!;
        var policy = (FastLbPolicy)proxy.Server.Pools[0].Balancer.Policy;
        Assert.NotNull(watcher.Current);
        Assert.Same(watcher.Current, policy.Model);

        using var stop = new CancellationTokenSource();
        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        Task[] load = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            using var client = new HttpClient { BaseAddress = proxy.BaseUri };
            while (!stop.IsCancellationRequested)
            {
                using HttpResponseMessage response = await client.GetAsync("/hello");
                statuses.Add(response.StatusCode);
            }
        })).ToArray();

        await Admin.AdminEndpointTests.WaitUntilAsync(() => statuses.Count > 200);
        var before = watcher.Current;
        // A new version arrives as a new file renamed over the old one (what fastlb train does).
        string temp = path + ".new";
        File.Copy(RepositoryModel, temp);
        File.SetLastWriteTimeUtc(temp, DateTime.UtcNow.AddMinutes(1));
        File.Move(temp, path, overwrite: true);
        watcher.Check();
        Assert.Equal(1, watcher.State.Reloads);
        Assert.NotSame(before, watcher.Current);
        Assert.Same(watcher.Current, policy.Model);
        Assert.True(policy.HasPredictions);

        await File.WriteAllTextAsync(path, "{ \"format\": \"not a model\" }");
        watcher.Check();
        int countAfterSwap = statuses.Count;
        await Admin.AdminEndpointTests.WaitUntilAsync(() => statuses.Count > countAfterSwap + 200);
        stop.Cancel();
        await Task.WhenAll(load);

        Assert.Equal(1, watcher.State.Failures);
        Assert.NotNull(watcher.State.LastError);
        Assert.Same(watcher.Current, policy.Model);
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));

        using var admin = new HttpClient();
        using JsonDocument status = JsonDocument.Parse(await admin.GetStringAsync(new Uri(proxy.AdminUri, "/status")));
        JsonElement model = status.RootElement.GetProperty("model");
        Assert.True(model.GetProperty("loaded").GetBoolean());
        Assert.Equal(1, model.GetProperty("reloads").GetInt64());
        Assert.Equal(1, model.GetProperty("reload_failures").GetInt64());
        Assert.True(model.GetProperty("validation_rmse_ms").GetDouble() > 0);
    }

    [Fact]
    public async Task PredictionTable_RebuiltByTheProxysTimer_NotByRequests()
    {
        string path = Path.Combine(_folder, "latency.model");
        File.Copy(RepositoryModel, path);
        await using TestBackend a = await TestBackend.StartAsync("a");
        await using ProxyHost proxy = await ProxyHost.StartAsync([a.Address], policy: "fastlb", configure: o => o.Model.Path = path);
        var policy = (FastLbPolicy)proxy.Server.Pools[0].Balancer.Policy;

        // No request at all: only the timer can build tables.
        long first = policy.TableBuilds;
        await Admin.AdminEndpointTests.WaitUntilAsync(() => policy.TableBuilds >= first + 2);

        Assert.True(policy.HasPredictions);
        Assert.Equal(0, a.Requests);
    }

    [Fact]
    public async Task InvalidModelAtStart_RefusedNamingTheField()
    {
        string path = Path.Combine(_folder, "broken.model");
        await File.WriteAllTextAsync(path, "not json");
        await using TestBackend a = await TestBackend.StartAsync("a");

        var e = await Assert.ThrowsAsync<FastLb.Proxy.Configuration.ConfigException>(() =>
            ProxyHost.StartAsync([a.Address], policy: "fastlb", configure: o => o.Model.Path = path));

        Assert.StartsWith("model.path", e.Errors[0]);
    }

    [Fact]
    public async Task MissingModelFile_RunsWithoutThenLoadsWhenItAppears()
    {
        string path = Path.Combine(_folder, "later.model");
        await using TestBackend a = await TestBackend.StartAsync("a");
        await using ProxyHost proxy = await ProxyHost.StartAsync([a.Address], policy: "fastlb", configure: o => o.Model.Path = path);
        var policy = (FastLbPolicy)proxy.Server.Pools[0].Balancer.Policy;
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };
        Assert.Null(policy.Model);
        Assert.Equal("hello from a", await client.GetStringAsync("/hello"));

        File.Copy(RepositoryModel, path);
        proxy.Server.Model!.Check();

        Assert.NotNull(policy.Model);
        Assert.Equal("hello from a", await client.GetStringAsync("/hello"));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

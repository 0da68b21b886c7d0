using System.Net;
using System.Text.Json;
using FastLb.Proxy.Tests.Configuration;
using FastLb.Proxy.Tests.Infrastructure;
using static FastLb.Proxy.Tests.Admin.AdminEndpointTests;

namespace FastLb.Proxy.Tests.Cli;

/// <summary>Config reload through the real <c>fastlb run</c> process: SIGHUP.</summary>
public sealed class ReloadProcessTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"fastlb-sighup-{Guid.NewGuid():N}.json");

    [Fact]
    public async Task Sighup_ConfigRun_ReloadsTheFileAndKeepsServing()
    {
        await using TestBackend a = await TestBackend.StartAsync("a");
        await using TestBackend b = await TestBackend.StartAsync("b");
        File.WriteAllText(_path, ConfigReloadTests.OnePool("round_robin", a.Address));
        await using FastLbProcess fastlb = FastLbProcess.Start("run", "--config", _path);
        IPEndPoint proxy = await fastlb.ListeningAsync();
        await WaitUntilAsync(() => fastlb.Stderr.Contains("admin on"));
        using var client = new HttpClient { BaseAddress = new Uri($"http://{proxy}") };
        Assert.Equal("hello from a", await client.GetStringAsync("/hello"));

        File.WriteAllText(_path, ConfigReloadTests.OnePool("round_robin", b.Address));
        fastlb.Hangup();
        await WaitUntilAsync(() => fastlb.Stderr.Contains("reloaded, generation 2"));

        Assert.Contains($"backend {b.Address} added", fastlb.Stderr);
        Assert.Equal("hello from b", await client.GetStringAsync("/hello"));
        using JsonDocument status = JsonDocument.Parse(await client.GetStringAsync(new Uri(fastlb.AdminUri(), "/status")));
        Assert.Equal(2, status.RootElement.GetProperty("config").GetProperty("generation").GetInt64());

        // A bad file on the next SIGHUP: refused, logged with the field, the process keeps serving.
        File.WriteAllText(_path, ConfigReloadTests.OnePool("round_robin", "127.0.0.1:0"));
        fastlb.Hangup();
        await WaitUntilAsync(() => fastlb.Stderr.Contains("refused, generation 2 keeps running"));

        Assert.Contains("pools[0].backends[0].address: port 0 is not a backend port", fastlb.Stderr);
        Assert.Equal("hello from b", await client.GetStringAsync("/hello"));
        string metrics = await client.GetStringAsync(new Uri(fastlb.AdminUri(), "/metrics"));
        Assert.Contains("fastlb_config_reloads_total{result=\"ok\"} 1\n", metrics);
        Assert.Contains("fastlb_config_reloads_total{result=\"error\"} 1\n", metrics);
    }

    [Fact]
    public async Task Sighup_FlagsRun_SaysThereIsNoFileToReloadAndKeepsRunning()
    {
        await using TestBackend a = await TestBackend.StartAsync("a");
        await using FastLbProcess fastlb = FastLbProcess.Start("run", "--listen", "127.0.0.1:0", "--backend", a.Address, "--admin", "127.0.0.1:0");
        IPEndPoint proxy = await fastlb.ListeningAsync();
        using var client = new HttpClient { BaseAddress = new Uri($"http://{proxy}") };

        fastlb.Hangup();
        await WaitUntilAsync(() => fastlb.Stderr.Contains("no config file to reload"));

        Assert.Equal("hello from a", await client.GetStringAsync("/hello"));
        fastlb.Terminate();
        Assert.Equal(0, await fastlb.WaitForExitAsync(TimeSpan.FromSeconds(20)));
    }

    /// <inheritdoc />
    public void Dispose() => File.Delete(_path);
}

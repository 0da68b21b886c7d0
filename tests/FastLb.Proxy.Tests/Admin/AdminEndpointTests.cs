using System.Diagnostics;
using System.Net;
using System.Text.Json;
using FastLb.Proxy.Tests.Infrastructure;

namespace FastLb.Proxy.Tests.Admin;

public sealed class AdminEndpointTests
{
    [Fact]
    public async Task Metrics_AfterTraffic_PassesPromtoolWithoutDuplicateSeries()
    {
        await using TestBackend backend = await TestBackend.StartAsync("b");
        await using ProxyHost proxy = await ProxyHost.StartAsync([backend.Address]);
        using var client = new HttpClient();
        for (int i = 0; i < 5; i++)
        {
            await client.GetStringAsync(new Uri(proxy.BaseUri, "/hello"));
        }

        await client.GetAsync(new Uri(proxy.BaseUri, "/status/503"));
        string metrics = await client.GetStringAsync(new Uri(proxy.AdminUri, "/metrics"));

        (int exitCode, string output) = await RunAsync("promtool", "check metrics", metrics);
        Assert.True(exitCode == 0, $"promtool check metrics failed:\n{output}");
        string[] series = metrics.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l => l[..l.LastIndexOf(' ')]).ToArray();
        Assert.Equal(series.Length, series.Distinct().Count());
        Assert.Contains($"fastlb_requests_total{{pool=\"main\",backend=\"{backend.Address}\",status_class=\"2xx\",policy=\"round_robin\"}} 5", metrics);
        Assert.Contains($"fastlb_requests_total{{pool=\"main\",backend=\"{backend.Address}\",status_class=\"5xx\",policy=\"round_robin\"}} 1", metrics);
        Assert.Contains("fastlb_request_duration_seconds_count{pool=\"main\"} 6", metrics);
        Assert.Contains("fastlb_requests_shed_total{pool=\"main\"} 0\n", metrics);
        Assert.Contains("fastlb_parse_rejections_total{reason=", metrics);
        Assert.Contains("fastlb_request_log_records_dropped_total 0", metrics);
        // The tcp relay counters are there (zero: no tcp listener) for every mode and direction.
        Assert.Contains("fastlb_tcp_bytes_total{mode=\"splice\",direction=\"to_backend\"} 0\n", metrics);
        Assert.Contains("fastlb_tcp_bytes_total{mode=\"copy\",direction=\"to_client\"} 0\n", metrics);
        Assert.Contains("fastlb_client_connections_refused_total{reason=\"limit\"} 0\n", metrics);
        Assert.Contains("fastlb_accept_failures_total 0\n", metrics);
    }

    [Fact]
    public async Task Status_DescribesListenersPoolsAndTotals()
    {
        await using TestBackend backend = await TestBackend.StartAsync("b");
        await using ProxyHost proxy = await ProxyHost.StartAsync([backend.Address], policy: "least_connections");
        using var client = new HttpClient();
        await client.GetStringAsync(new Uri(proxy.BaseUri, "/hello"));

        using JsonDocument status = JsonDocument.Parse(await client.GetStringAsync(new Uri(proxy.AdminUri, "/status")));

        JsonElement root = status.RootElement;
        Assert.Equal("running", root.GetProperty("state").GetString());
        Assert.Equal(proxy.EndPoint.ToString(), root.GetProperty("listeners")[0].GetProperty("address").GetString());
        JsonElement pool = root.GetProperty("pools")[0];
        Assert.Equal("least_connections", pool.GetProperty("policy").GetString());
        Assert.Equal(backend.Address, pool.GetProperty("backends")[0].GetProperty("id").GetString());
        Assert.Equal(1, root.GetProperty("totals_by_status").GetProperty("2xx").GetInt64());
        Assert.Equal(0, root.GetProperty("tcp_bytes").GetProperty("splice").GetProperty("to_client").GetInt64());
        Assert.Equal(0, root.GetProperty("client_connections_refused").GetInt64());
        Assert.Equal(0, root.GetProperty("accept_failures").GetInt64());
    }

    [Fact]
    public async Task HealthAndReady_WhileRunning_Answer200()
    {
        await using TestBackend backend = await TestBackend.StartAsync("b");
        await using ProxyHost proxy = await ProxyHost.StartAsync([backend.Address]);
        using var client = new HttpClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri(proxy.AdminUri, "/health"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri(proxy.AdminUri, "/ready"))).StatusCode);
        Assert.NotEqual(proxy.EndPoint.Port, proxy.Server.AdminEndPoint!.Port);
    }

    [Fact]
    public async Task HealthCheck_UnhealthyBackend_TakenOutThenBack()
    {
        await using TestBackend good = await TestBackend.StartAsync("good");
        await using TestBackend flaky = await TestBackend.StartAsync("flaky");
        await using ProxyHost proxy = await ProxyHost.StartAsync([good.Address, flaky.Address],
            configure: o => o.Pools[0].HealthCheck = new() { Path = "/status/503", IntervalMs = 50, TimeoutMs = 500 });

        // Both answer 503 on that path: both are taken out, and the pool answers 503 itself.
        await WaitUntilAsync(() => proxy.Server.Pools[0].Backends.All(b => !b.State.IsAvailable));
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/hello")).StatusCode);
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, int timeoutMs = 10000)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.ElapsedMilliseconds < timeoutMs, "condition not met in time");
            await Task.Delay(20);
        }
    }

    internal static async Task<(int ExitCode, string Output)> RunAsync(string file, string arguments, string stdin)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {file}");
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        string output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }
}

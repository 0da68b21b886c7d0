using System.Diagnostics;
using FastLb.Backends.Hosting;
using FastLb.Backends.Tests.Support;

namespace FastLb.Backends.Tests.Hosting;

/// <summary>/metrics is valid Prometheus text (promtool) without duplicate series.</summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_AfterTraffic_PassesPromtoolAndHasNoDuplicateSeries()
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Inventory, StoreKind.Memory);
        using HttpClient client = TestBackends.Client(backend);
        await client.GetAsync("/api/inventory/products");
        await client.GetAsync("/api/inventory/products/NOPE");
        await client.GetAsync("/api/inventory/search");

        string text = await client.GetStringAsync("/metrics");
        var (exit, output) = await PromtoolAsync(text);

        Assert.True(exit == 0, $"promtool check metrics failed: {output}\n{text}");
        string[] series = text.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l => l[..l.LastIndexOf(' ')]).ToArray();
        Assert.Equal(series.Length, series.Distinct(StringComparer.Ordinal).Count());
        Assert.Contains("fastlb_backend_requests_total{service=\"inventory\",instance=\"" + backend.InstanceName + "\",code=\"404\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("fastlb_backend_requests_total{service=\"inventory\",instance=\"" + backend.InstanceName + "\",code=\"400\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("fastlb_backend_request_duration_seconds_count{service=\"inventory\",instance=\"" + backend.InstanceName + "\"} 3", text, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Output)> PromtoolAsync(string text)
    {
        var psi = new ProcessStartInfo("promtool", "check metrics") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using Process process = Process.Start(psi) ?? throw new InvalidOperationException("promtool did not start (Debian package prometheus)");
        await process.StandardInput.WriteAsync(text);
        process.StandardInput.Close();
        string output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }
}

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

    [Fact]
    public async Task Metrics_KeepTheFamiliesTypesAndLabelsDashboardsUse()
    {
        await using RunningBackend backend = await BackendHost.StartEchoAsync();
        using HttpClient client = TestBackends.Client(backend);
        backend.SetFaults(errorRate: 1);
        await client.GetAsync("/api/echo");

        string text = await client.GetStringAsync("/metrics");

        string[] families =
        [
            "fastlb_backend_requests_total counter", "fastlb_backend_request_duration_seconds histogram",
            "fastlb_backend_active_requests gauge", "fastlb_backend_queued_requests gauge", "fastlb_backend_avg_response_seconds gauge",
            "fastlb_backend_cpu_percent gauge", "fastlb_backend_fault_delay_seconds gauge", "fastlb_backend_fault_error_rate gauge",
            "fastlb_backend_capacity gauge", "fastlb_backend_injected_errors_total counter",
        ];
        Assert.All(families, f => Assert.Contains("# TYPE " + f + "\n", text, StringComparison.Ordinal));
        string labels = "{service=\"echo\",instance=\"" + backend.InstanceName + "\"}";
        Assert.Contains("fastlb_backend_injected_errors_total" + labels + " 1\n", text, StringComparison.Ordinal);
        Assert.Contains("fastlb_backend_fault_error_rate" + labels + " 1\n", text, StringComparison.Ordinal);
        Assert.Contains("fastlb_backend_request_duration_seconds_bucket{service=\"echo\",instance=\"" + backend.InstanceName + "\",le=\"0.001\"}", text, StringComparison.Ordinal);
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

using System.Net.Sockets;
using System.Text.Json;
using FastLb.Proxy.Tests.Infrastructure;
using SkiaSharp;

namespace FastLb.Proxy.Tests.Cli;

[Collection(DemoCollection.Name)]
public sealed class DemoProcessTests
{
    private static readonly string[] s_charts = ["latency-percentiles.png", "latency-over-time.png", "latency-cdf.png", "share-over-time.png", "throughput.png"];

    [Fact]
    public async Task Demo_Short_RunsToEndWritesEveryFileAndLeavesNothingRunning()
    {
        string outDir = Path.Combine(Path.GetTempPath(), $"fastlb-demo-{Guid.NewGuid():N}");
        try
        {
            (int exitCode, string stdout, string stderr) = await FastLbProcess.RunToEndAsync(
                "demo", "--duration", "40s", "--rate", "150", "--rounds", "1", "--out", outDir, "--json");

            Assert.True(exitCode == 0, stderr);
            foreach (string file in new[] { "report.md", "results.json", "requests.csv", "fastlb.json", "proxy.log", "train.log",
                         Path.Combine("model", "latency.model"), Path.Combine("model", "latency.report.json"), Path.Combine("model", "latency.report.md") })
            {
                Assert.True(new FileInfo(Path.Combine(outDir, file)) is { Exists: true, Length: > 0 }, $"{file} is missing or empty");
            }

            foreach (string chart in s_charts)
            {
                using SKBitmap? bitmap = SKBitmap.Decode(Path.Combine(outDir, chart));
                Assert.True(bitmap is { Width: > 0, Height: > 0 }, $"{chart} does not decode as an image");
            }

            // --json prints results.json: one result per policy, in the simulator's result schema
            using JsonDocument results = JsonDocument.Parse(stdout);
            JsonElement[] policies = [.. results.RootElement.GetProperty("results").EnumerateArray()];
            Assert.Equal(["round_robin", "least_connections", "least_response_time", "peak_ewma", "q_learning", "fastlb"], policies.Select(p => p.GetProperty("policy").GetString()));
            foreach (JsonElement result in policies)
            {
                Assert.True(result.GetProperty("requests").GetInt64() > 0, $"{result.GetProperty("policy")} has no requests");
                Assert.True(result.GetProperty("p99_ms").GetDouble() > 0);
                Assert.True(result.GetProperty("share").EnumerateObject().Any());
            }

            Assert.False(string.IsNullOrEmpty(results.RootElement.GetProperty("model_version").GetString()), "the proxy never loaded the trained model");
            await AssertNothingLeftAsync(outDir, results.RootElement.GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("address").GetString()!));
        }
        finally
        {
            Directory.Delete(outDir, recursive: true);
        }
    }

    [Fact]
    public async Task Demo_Sigterm_StopsEveryProcessAndPortItStarted()
    {
        string outDir = Path.Combine(Path.GetTempPath(), $"fastlb-demo-{Guid.NewGuid():N}");
        try
        {
            await using FastLbProcess demo = FastLbProcess.Start("demo", "--duration", "60s", "--rate", "100", "--out", outDir);
            string proxyLog = Path.Combine(outDir, "proxy.log");
            using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            {
                // The collect phase has begun once the proxy has logged a request.
                while (!File.Exists(Path.Combine(outDir, "requests.csv")) || new FileInfo(Path.Combine(outDir, "requests.csv")).Length < 2000)
                {
                    await Task.Delay(100, wait.Token);
                }
            }

            demo.Terminate();
            int exitCode = await demo.WaitForExitAsync(TimeSpan.FromSeconds(30));

            Assert.True(exitCode == 1, demo.Stderr);
            Assert.Contains("stopped", demo.Stderr);
            using JsonDocument config = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "fastlb.json")));
            var addresses = new List<string> { config.RootElement.GetProperty("admin").GetProperty("listen").GetString()! };
            addresses.AddRange(config.RootElement.GetProperty("listeners").EnumerateArray().Select(l => l.GetProperty("listen").GetString()!));
            addresses.AddRange(config.RootElement.GetProperty("pools").EnumerateArray().SelectMany(p => p.GetProperty("backends").EnumerateArray()).Select(b => b.GetProperty("address").GetString()!));
            await AssertNothingLeftAsync(outDir, addresses);
        }
        finally
        {
            Directory.Delete(outDir, recursive: true);
        }
    }

    /// <summary>No process whose command line names the report folder (the proxy, the trainer) is alive, and nothing accepts on the addresses.</summary>
    private static async Task AssertNothingLeftAsync(string outDir, IEnumerable<string> addresses)
    {
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _)) continue;
            string cmdline;
            try
            {
                cmdline = (await File.ReadAllTextAsync(Path.Combine(dir, "cmdline"))).Replace('\0', ' ');
            }
            catch (IOException)
            {
                continue; // ended while listed
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            Assert.False(cmdline.Contains(outDir, StringComparison.Ordinal), $"still running: {cmdline}");
        }

        foreach (string address in addresses)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            var e = await Assert.ThrowsAsync<SocketException>(async () => await socket.ConnectAsync(System.Net.IPEndPoint.Parse(address)));
            Assert.Equal(SocketError.ConnectionRefused, e.SocketErrorCode);
        }
    }
}

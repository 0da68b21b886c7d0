using System.Net;
using System.Net.Sockets;
using FastLb.Proxy.Tests.Infrastructure;

namespace FastLb.Proxy.Tests.Cli;

public sealed class RunProcessTests
{
    [Fact]
    public async Task Sigterm_WithRequestsInFlight_AllFinishThenExit0()
    {
        await using TestBackend backend = await TestBackend.StartAsync("b");
        await using FastLbProcess fastlb = FastLbProcess.Start("run", "--listen", "127.0.0.1:0", "--backend", backend.Address, "--admin", "127.0.0.1:0");
        IPEndPoint proxy = await fastlb.ListeningAsync();
        using var client = new HttpClient { BaseAddress = new Uri($"http://{proxy}") };

        Task<HttpResponseMessage>[] inFlight = Enumerable.Range(0, 5).Select(_ => client.GetAsync("/slow/1500")).ToArray();
        await Admin.AdminEndpointTests.WaitUntilAsync(() => backend.InFlight == 5);
        fastlb.Terminate();
        HttpResponseMessage[] responses = await Task.WhenAll(inFlight);
        int exitCode = await fastlb.WaitForExitAsync(TimeSpan.FromSeconds(20));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(0, exitCode);
        Assert.Contains("draining", fastlb.Stderr);
        using var late = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await Assert.ThrowsAsync<SocketException>(async () => await late.ConnectAsync(proxy));
    }

    [Fact]
    public async Task Streaming50MiB_ProxyMemoryStaysBounded()
    {
        await using TestBackend backend = await TestBackend.StartAsync("b");
        await using FastLbProcess fastlb = FastLbProcess.Start("run", "--listen", "127.0.0.1:0", "--backend", backend.Address, "--admin", "127.0.0.1:0");
        IPEndPoint proxy = await fastlb.ListeningAsync();
        using var client = new HttpClient { BaseAddress = new Uri($"http://{proxy}"), Timeout = TimeSpan.FromMinutes(2) };
        await client.GetStringAsync("/hello");
        long baselineKb = fastlb.ProcStatusKb("VmRSS");

        byte[] payload = new byte[50 * 1024 * 1024];
        using HttpResponseMessage upload = await client.PostAsync("/count", new ByteArrayContent(payload));
        using HttpResponseMessage download = await client.GetAsync("/size/52428800", HttpCompletionOption.ResponseHeadersRead);
        await using (Stream body = await download.Content.ReadAsStreamAsync())
        {
            await body.CopyToAsync(Stream.Null);
        }

        long peakKb = fastlb.ProcStatusKb("VmHWM");
        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        // Buffering either body would add 50 MiB; streaming adds pipe buffers only.
        Assert.True(peakKb - baselineKb < 30 * 1024, $"proxy peak RSS grew {(peakKb - baselineKb) / 1024} MiB over a baseline of {baselineKb / 1024} MiB");
    }

    [Theory]
    [InlineData("--listen", "nowhere", "--listen")]
    [InlineData("--listen", "127.0.0.1:0", "--backend")]
    [InlineData("--config", "/nonexistent/fastlb.json", "/nonexistent/fastlb.json")]
    public async Task Run_BadUsage_Exit2NamingTheFlag(string flag, string value, string named)
    {
        string[] args = flag == "--listen" && value == "nowhere" ? ["run", flag, value, "--backend", "127.0.0.1:9"] : ["run", flag, value];

        (int exitCode, _, string stderr) = await FastLbProcess.RunToEndAsync(args);

        Assert.Equal(2, exitCode);
        Assert.Contains(named, stderr);
    }

    [Fact]
    public async Task Run_DeadlineNotPositive_Exit2NamingTheFlag()
    {
        (int exitCode, _, string stderr) = await FastLbProcess.RunToEndAsync(
            "run", "--listen", "127.0.0.1:0", "--backend", "127.0.0.1:9", "--policy", "fastlb", "--deadline-ms", "0");

        Assert.Equal(2, exitCode);
        Assert.Contains("--deadline-ms", stderr);
    }

    [Fact]
    public async Task Run_ConfigWithUnknownField_Exit2NamingTheField()
    {
        string path = Path.Combine(Path.GetTempPath(), $"fastlb-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, """{ "listeners": [ { "name": "w", "listen": "127.0.0.1:0", "pool": "p", "colour": "red" } ], "pools": [] }""");
        try
        {
            (int exitCode, _, string stderr) = await FastLbProcess.RunToEndAsync("run", "--config", path);

            Assert.Equal(2, exitCode);
            Assert.Contains("colour", stderr);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Help_Exit0()
    {
        (int exitCode, string stdout, _) = await FastLbProcess.RunToEndAsync("run", "--help");

        Assert.Equal(0, exitCode);
        Assert.Contains("--backend", stdout);
    }
}

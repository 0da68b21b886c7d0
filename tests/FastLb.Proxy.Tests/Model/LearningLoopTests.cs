using FastLb.Backends;
using FastLb.Backends.Hosting;
using FastLb.Policy;
using FastLb.Policy.Learning;
using FastLb.Proxy.Tests.Infrastructure;

namespace FastLb.Proxy.Tests.Model;

/// <summary>The whole loop: a live proxy logs requests, <c>fastlb train</c> learns from the log, a running proxy hot-loads the model and its fastlb policy routes by it.</summary>
public sealed class LearningLoopTests
{
    [Fact]
    public async Task LiveLog_Train_HotLoad_PolicyRoutesByModel()
    {
        string folder = Directory.CreateTempSubdirectory("fastlb-loop-").FullName;
        try
        {
            string log = Path.Combine(folder, "requests.csv");
            string modelPath = Path.Combine(folder, "latency.model");
            await using RunningBackend fast = await BackendHost.StartEchoAsync(delayMs: 0, instanceName: "fast");
            await using RunningBackend slow = await BackendHost.StartEchoAsync(delayMs: 40, instanceName: "slow");
            string fastId = $"127.0.0.1:{fast.Port}", slowId = $"127.0.0.1:{slow.Port}";
            using (var warm = new HttpClient())
            {
                // First requests to a fresh Kestrel take JIT time; keep that out of the training data.
                await warm.GetAsync(new Uri(fast.BaseAddress, "/api/echo/warm"));
                await warm.GetAsync(new Uri(slow.BaseAddress, "/api/echo/warm"));
            }
            // 1. A live proxy spreads traffic round robin and logs every request.
            await using (ProxyHost logging = await ProxyHost.StartAsync([fastId, slowId], configure: o => o.RequestLog.Path = log))
            {
                await SendAsync(logging, 600);
                await Admin.AdminEndpointTests.WaitUntilAsync(() => logging.Server.Metrics.LogRecordsWritten >= 600);
            }

            await using ProxyHost proxy = await ProxyHost.StartAsync([fastId, slowId], policy: "fastlb", configure: o => o.Model.Path = modelPath);
            var policy = (FastLbPolicy)proxy.Server.Pools[0].Balancer.Policy;
            Assert.Null(policy.Model);
            await SendAsync(proxy, 100);

            // 2. Train from the live log with the real command.
            (int exitCode, _, string stderr) = await FastLbProcess.RunToEndAsync("train", "--logs", log, "--out", modelPath, "--trees", "60");
            Assert.True(exitCode == 0, stderr);

            // 3. The proxy picks the new file up and the policy uses it.
            proxy.Server.Model!.Check();
            Assert.NotNull(policy.Model);
            Assert.True(policy.HasPredictions);
            // Same state for both (in-flight, smoothed latency): only the backend differs.
            var request = RequestFeatures.Empty;
            request.Method = RequestMethod.Get;
            double predictedFast = policy.Model!.PredictMs(Probe(fastId), null, request);
            double predictedSlow = policy.Model.PredictMs(Probe(slowId), null, request);
            BackendState[] states = proxy.Server.Pools[0].Balancer.Backends.ToArray();
            Assert.True(predictedSlow > predictedFast + 10, $"model predicts fast {predictedFast:0.0} ms, slow {predictedSlow:0.0} ms");

            long fastBefore = states[0].Requests;
            long slowBefore = states[1].Requests;
            await SendAsync(proxy, 300);
            long toFast = states[0].Requests - fastBefore;
            long toSlow = states[1].Requests - slowBefore;
            Assert.True(toFast > 4 * toSlow, $"after the model: {toFast} to the fast backend, {toSlow} to the slow one");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static BackendState Probe(string id)
    {
        var state = new BackendState(id);
        state.OnStarted();
        state.OnEnded(new RequestOutcome(20, 20, 200, OutcomeError.None));
        return state;
    }

    private static async Task SendAsync(ProxyHost proxy, int count)
    {
        using var client = new HttpClient { BaseAddress = proxy.BaseUri };
        int next = 0;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= count)
            {
                using HttpResponseMessage response = await client.GetAsync("/api/echo/item");
                response.EnsureSuccessStatusCode();
            }
        }));
    }
}

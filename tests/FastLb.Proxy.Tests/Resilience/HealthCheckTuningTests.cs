using FastLb.Policy;
using FastLb.Proxy.Configuration;
using FastLb.Proxy.Health;
using FastLb.Proxy.Runtime;
using FastLb.Proxy.Tests.Infrastructure;

namespace FastLb.Proxy.Tests.Resilience;

/// <summary>Active health checks with thresholds, an expected status set and a TCP connect, against real backends; checks are run one at a time here, not on their timer.</summary>
public sealed class HealthCheckTuningTests
{
    private static async Task<(ProxyHost Proxy, BackendRuntime Backend, HealthChecker Checker)> StartAsync(TestBackend backend, HealthCheckOptions check)
    {
        // A long interval: the pool's own loop checks once at start, then the test drives the checks.
        // A generous timeout: a check of a backend that is still warming up must not fail on time.
        check.IntervalMs = 600_000;
        check.TimeoutMs = 10_000;
        ProxyHost proxy = await ProxyHost.StartAsync([backend.Address], configure: o => o.Pools[0].HealthCheck = check);
        PoolRuntime pool = proxy.Server.Pools[0];

        // The loop's first check has run (it passes or fails): from here only the test checks.
        await Admin.AdminEndpointTests.WaitUntilAsync(() => pool.Backends[0].Watch.PassedChecks + pool.Backends[0].Watch.FailedChecks > 0);
        return (proxy, pool.Backends[0], new HealthChecker([pool], TimeProvider.System));
    }

    [Fact]
    public async Task Fails_TakesTheBackendOutOnlyAfterThatManyFailuresInARow_Passes_BringsItBackAfterThatMany()
    {
        await using TestBackend backend = await TestBackend.StartAsync("b");
        var check = new HealthCheckOptions { Path = "/hello", Fails = 2, Passes = 3 };
        (ProxyHost proxy, BackendRuntime runtime, HealthChecker checker) = await StartAsync(backend, check);
        await using (proxy)
        await using (checker)
        {
            backend.Fail503Share = 1;
            await checker.CheckAsync(runtime, check);
            Assert.True(runtime.State.IsAvailable);
            await checker.CheckAsync(runtime, check);
            Assert.Equal(OutReason.Health, runtime.State.Out);

            backend.Fail503Share = 0;
            await checker.CheckAsync(runtime, check);
            await checker.CheckAsync(runtime, check);
            Assert.False(runtime.State.IsAvailable);
            await checker.CheckAsync(runtime, check);
            Assert.True(runtime.State.IsAvailable);
        }
    }

    [Fact]
    public async Task Statuses_NameWhatPasses()
    {
        await using TestBackend backend = await TestBackend.StartAsync("b");
        var check = new HealthCheckOptions { Path = "/status/204", Statuses = [200] };
        (ProxyHost proxy, BackendRuntime runtime, HealthChecker checker) = await StartAsync(backend, check);
        await using (proxy)
        await using (checker)
        {
            await checker.CheckAsync(runtime, check);
            Assert.False(runtime.State.IsAvailable);

            check.Statuses = [200, 204];
            await checker.CheckAsync(runtime, check);
            Assert.True(runtime.State.IsAvailable);
        }
    }

    [Fact]
    public async Task TcpCheck_IsAConnect()
    {
        TestBackend backend = await TestBackend.StartAsync("b");
        var check = new HealthCheckOptions { Type = "tcp" };
        (ProxyHost proxy, BackendRuntime runtime, HealthChecker checker) = await StartAsync(backend, check);
        await using (proxy)
        await using (checker)
        {
            await checker.CheckAsync(runtime, check);
            Assert.True(runtime.State.IsAvailable);

            await backend.DisposeAsync();
            await checker.CheckAsync(runtime, check);
            Assert.False(runtime.State.IsAvailable);
        }
    }
}

using FastLb.Policy;
using FastLb.Proxy.Configuration;

namespace FastLb.Proxy.Tests.Resilience;

public sealed class ResilienceConfigTests
{
    private static string Config(string pool = "", string route = "", string healthCheck = "") => $$"""
        {
          "admin": { "listen": "127.0.0.1:9090" },
          "listeners": [ { "name": "web", "listen": "127.0.0.1:8080", "mode": "http" } ],
          "routes": [ { "listener": "web", "pathPrefix": "/", "pool": "p" {{route}} } ],
          "pools": [ { "name": "p", "backends": [ { "address": "127.0.0.1:9101" } ] {{pool}} {{healthCheck}} } ]
        }
        """;

    private static ProxyConfig Valid(string pool = "", string route = "", string healthCheck = "") =>
        ConfigValidator.Validate(ConfigLoader.Parse(Config(pool, route, healthCheck)));

    private static string Error(string pool = "", string route = "", string healthCheck = "") =>
        Assert.Single(Assert.Throws<ConfigException>(() => Valid(pool, route, healthCheck)).Errors);

    [Fact]
    public void Defaults_BreakerOnRetriesThreeAttemptsOnTimeout_NoOutlierNoSlowStart()
    {
        ProxyConfig config = Valid();

        Assert.Equal(BreakerSettings.Default, config.Pools[0].Breaker);
        Assert.Null(config.Pools[0].Outlier);
        Assert.Equal(0, config.Pools[0].SlowStartMs);
        Assert.Equal(20, config.Pools[0].RetryBudgetPercent);
        Assert.Equal(RetrySettings.Default, config.Routes[0].Retry);
        Assert.Null(config.Routes[0].TotalTimeoutMs);
    }

    [Fact]
    public void EverySetting_IsRead()
    {
        ProxyConfig config = Valid(
            pool: """
                , "breaker": { "consecutiveFailures": 3, "errorRate": 0, "minRequests": 50, "windowMs": 5000, "coolDownMs": 200, "maxCoolDownMs": 800, "statuses": [502, 503] },
                  "outlierDetection": { "ratio": 4, "windowMs": 2000 }, "slowStartMs": 30000,
                  "retryBudget": { "percent": 10, "minPerSecond": 1 }
                """,
            route: """
                , "retry": { "attempts": 4, "on": ["timeout", "503"], "bodyBytes": 1024, "backoffMs": 5 },
                  "timeouts": { "connectMs": 100, "responseHeaderMs": 200, "totalMs": 300 }
                """);

        PoolConfig pool = config.Pools[0];
        Assert.Equal(new BreakerSettings(3, double.PositiveInfinity, 50, 5000, 200, 800), pool.Breaker);
        Assert.True(pool.BreakerCounts(503));
        Assert.False(pool.BreakerCounts(500));
        Assert.Equal(4, pool.Outlier!.Ratio);
        Assert.Equal(30000, pool.SlowStartMs);
        Assert.Equal(10, pool.RetryBudgetPercent);
        RouteConfig route = config.Routes[0];
        Assert.Equal(4, route.Retry.Attempts);
        Assert.True(route.Retry.OnTimeout);
        Assert.Equal([503], route.Retry.Statuses);
        Assert.Equal(1024, route.Retry.BodyBytes);
        Assert.Equal((100, 200, 300), (route.ConnectTimeoutMs, route.ResponseHeaderTimeoutMs, route.TotalTimeoutMs));
    }

    [Theory]
    [InlineData("""{ "on": ["teapot"] }""", "routes[0].retry.on: 'teapot' is neither 'timeout' nor a 5xx status")]
    [InlineData("""{ "on": ["404"] }""", "routes[0].retry.on: '404' is neither 'timeout' nor a 5xx status")]
    [InlineData("""{ "attempts": 0 }""", "routes[0].retry.attempts: must be positive, got 0")]
    [InlineData("""{ "attempts": 11 }""", "routes[0].retry.attempts: at most 10, got 11")]
    [InlineData("""{ "backoffMs": -1 }""", "routes[0].retry.backoffMs: must not be negative, got -1")]
    public void BadRetry_NamesTheField(string retry, string expected) =>
        Assert.Equal(expected, Error(route: $", \"retry\": {retry}"));

    [Fact]
    public void Hedge_IsReadAndChecked()
    {
        Assert.Equal(20, Valid(route: ", \"hedge\": { \"delayMs\": 20 }").Routes[0].Hedge!.DelayMs);
        Assert.Null(Valid().Routes[0].Hedge);
        Assert.Equal("routes[0].hedge.maxPercent: must be above 0 and at most 50, got 80", Error(route: ", \"hedge\": { \"maxPercent\": 80 }"));
    }

    [Fact]
    public void BadTimeout_NamesTheField() =>
        Assert.Equal("routes[0].timeouts.totalMs: must be positive, got 0", Error(route: ", \"timeouts\": { \"totalMs\": 0 }"));

    [Theory]
    [InlineData("""{ "windowMs": 100 }""", "pools[0].breaker.windowMs: must be between 1000 and 15000, got 100")]
    [InlineData("""{ "errorRate": 1.5 }""", "pools[0].breaker.errorRate: must be between 0 (off) and 1, got 1.5")]
    [InlineData("""{ "coolDownMs": 5000, "maxCoolDownMs": 1000 }""", "pools[0].breaker.maxCoolDownMs: must be at least coolDownMs (5000), got 1000")]
    [InlineData("""{ "statuses": [700] }""", "pools[0].breaker.statuses: must list HTTP statuses between 100 and 599")]
    public void BadBreaker_NamesTheField(string breaker, string expected) =>
        Assert.Equal(expected, Error(pool: $", \"breaker\": {breaker}"));

    [Theory]
    [InlineData("""{ "ratio": 0.5 }""", "pools[0].outlierDetection.ratio: must be above 1, got 0.5")]
    [InlineData("""{ "maxEjectedPercent": 0 }""", "pools[0].outlierDetection.maxEjectedPercent: must be between 1 and 100, got 0")]
    public void BadOutlierDetection_NamesTheField(string outlier, string expected) =>
        Assert.Equal(expected, Error(pool: $", \"outlierDetection\": {outlier}"));

    [Theory]
    [InlineData("""{ "type": "udp" }""", "pools[0].healthCheck.type: must be 'http' or 'tcp', got 'udp'")]
    [InlineData("""{ "fails": 0 }""", "pools[0].healthCheck.fails: must be positive, got 0")]
    [InlineData("""{ "statuses": [] }""", "pools[0].healthCheck.statuses: must list HTTP statuses between 100 and 599")]
    public void BadHealthCheck_NamesTheField(string check, string expected) =>
        Assert.Equal(expected, Error(healthCheck: $", \"healthCheck\": {check}"));

    [Fact]
    public void Concurrency_IsReadAndChecked()
    {
        PoolConfig pool = Valid(pool: ", \"concurrency\": { \"perBackend\": 8, \"queue\": 16, \"queueTimeoutMs\": 250 }").Pools[0];

        Assert.Equal((8, 16, 250), (pool.MaxInFlightPerBackend, pool.QueueSize, pool.QueueTimeoutMs));
        Assert.Equal(int.MaxValue, Valid().Pools[0].MaxInFlightPerBackend);
        Assert.Equal("pools[0].concurrency.perBackend: must not be negative (0: no cap), got -1", Error(pool: ", \"concurrency\": { \"perBackend\": -1 }"));
    }

    [Fact]
    public void BadRetryBudget_NamesTheField() =>
        Assert.Equal("pools[0].retryBudget.percent: must be between 0 and 100, got 120", Error(pool: ", \"retryBudget\": { \"percent\": 120 }"));
}

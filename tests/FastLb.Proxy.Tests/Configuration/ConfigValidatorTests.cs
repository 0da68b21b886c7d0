using FastLb.Proxy.Configuration;

namespace FastLb.Proxy.Tests.Configuration;

public sealed class ConfigValidatorTests
{
    private const string Valid = """
        {
          "admin": { "listen": "127.0.0.1:9090" },
          "listeners": [ { "name": "web", "listen": "0.0.0.0:8080", "mode": "http" },
                         { "name": "raw", "listen": "0.0.0.0:7000", "mode": "tcp", "pool": "echo" } ],
          "routes": [ { "listener": "web", "pathPrefix": "/api/inventory", "pool": "inventory" },
                      { "listener": "web", "host": "shop.example", "pathPrefix": "/", "pool": "inventory" } ],
          "pools": [ { "name": "inventory", "policy": "round_robin",
                       "backends": [ { "address": "127.0.0.1:9101", "weight": 1 } ],
                       "healthCheck": { "path": "/health", "intervalMs": 1000, "timeoutMs": 500 } },
                     { "name": "echo", "policy": "least_connections", "backends": [ { "address": "localhost:9200" } ] } ],
          "limits": { "maxHeaderBytes": 16384, "maxBodyBytes": 104857600,
                      "headerTimeoutMs": 10000, "idleTimeoutMs": 60000, "upstreamConnectTimeoutMs": 2000 },
          "model": { "path": "models/latency.model" },
          "requestLog": { "path": "logs/requests.csv" }
        }
        """;

    [Fact]
    public void Validate_DesignExample_Accepted()
    {
        ProxyConfig config = ConfigValidator.Validate(ConfigLoader.Parse(Valid));

        Assert.Equal(2, config.Listeners.Count);
        Assert.Equal(ListenerMode.Tcp, config.Listeners[1].Mode);
        Assert.Equal("shop.example", config.Routes[1].Host);
        Assert.Equal("logs/requests.csv", config.RequestLog.Path);
        Assert.Equal(30000, config.Limits.ResponseHeaderTimeoutMs);
    }

    [Fact]
    public void Validate_DeadlineMs_AcceptedAndAbsentMeansNone()
    {
        string json = Valid.Replace("\"policy\": \"round_robin\",", "\"policy\": \"fastlb\", \"deadlineMs\": 250,");

        ProxyConfig config = ConfigValidator.Validate(ConfigLoader.Parse(json));

        Assert.Equal(250, config.Pools[0].DeadlineMs);
        Assert.Null(config.Pools[1].DeadlineMs);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Validate_DeadlineMsNotPositive_NamesTheField(int deadlineMs)
    {
        string json = Valid.Replace("\"name\": \"echo\",", $"\"name\": \"echo\", \"deadlineMs\": {deadlineMs},");

        var e = Assert.Throws<ConfigException>(() => ConfigValidator.Validate(ConfigLoader.Parse(json)));

        Assert.Equal($"pools[1].deadlineMs: must be positive, got {deadlineMs}", Assert.Single(e.Errors));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Validate_MaxConnectionsNotPositive_NamesTheField(int maxConnections)
    {
        string json = Valid.Replace("\"maxHeaderBytes\": 16384,", $"\"maxHeaderBytes\": 16384, \"maxConnections\": {maxConnections},");

        var e = Assert.Throws<ConfigException>(() => ConfigValidator.Validate(ConfigLoader.Parse(json)));

        Assert.Equal($"limits.maxConnections: must be positive, got {maxConnections}", Assert.Single(e.Errors));
    }

    [Fact]
    public void Validate_MaxConnections_DefaultAndSet()
    {
        Assert.Equal(10000, ConfigValidator.Validate(ConfigLoader.Parse(Valid)).Limits.MaxConnections);
        string json = Valid.Replace("\"maxHeaderBytes\": 16384,", "\"maxHeaderBytes\": 16384, \"maxConnections\": 3,");
        Assert.Equal(3, ConfigValidator.Validate(ConfigLoader.Parse(json)).Limits.MaxConnections);
    }

    [Fact]
    public void Parse_UnknownField_NamesIt()
    {
        string json = Valid.Replace("\"weight\": 1", "\"weight\": 1, \"wieght\": 2");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(json));

        Assert.Contains("wieght", e.Message);
        Assert.Contains("pools[0].backends[0]", e.Message);
    }

    [Fact]
    public void Parse_WrongType_NamesThePath()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("""{ "limits": { "maxHeaderBytes": "big" } }"""));

        Assert.Contains("$.limits.maxHeaderBytes", e.Message);
    }

    [Fact]
    public void Validate_ManyProblems_AllReportedAtOnce()
    {
        var options = ConfigLoader.Parse("""
            {
              "admin": { "listen": "nowhere" },
              "listeners": [ { "name": "web", "listen": "127.0.0.1:8080", "mode": "udp" } ],
              "routes": [ { "listener": "nope", "pathPrefix": "api", "pool": "ghost" } ],
              "pools": [ { "name": "p", "policy": "best_guess", "backends": [ { "address": "127.0.0.1", "weight": 0 } ] } ],
              "limits": { "headerTimeoutMs": 0 }
            }
            """);

        var e = Assert.Throws<ConfigException>(() => ConfigValidator.Validate(options));

        string[] expected =
        [
            "admin.listen", "listeners[0].mode", "routes[0].listener", "routes[0].pathPrefix", "routes[0].pool",
            "pools[0].policy", "pools[0].backends[0].address", "pools[0].backends[0].weight", "limits.headerTimeoutMs",
        ];
        foreach (string field in expected)
        {
            Assert.Contains(e.Errors, line => line.StartsWith(field, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Validate_ListenerOnAdminPort_Refused()
    {
        var options = ConfigLoader.Parse("""
            { "admin": { "listen": "127.0.0.1:9090" },
              "listeners": [ { "name": "web", "listen": "127.0.0.1:9090", "pool": "p" } ],
              "pools": [ { "name": "p", "backends": [ { "address": "127.0.0.1:9101" } ] } ] }
            """);

        var e = Assert.Throws<ConfigException>(() => ConfigValidator.Validate(options));

        Assert.Contains(e.Errors, line => line.StartsWith("listeners[0].listen", StringComparison.Ordinal) && line.Contains("admin"));
    }

    [Fact]
    public void Validate_TcpListenerWithoutPool_Refused()
    {
        var options = ConfigLoader.Parse("""
            { "listeners": [ { "name": "raw", "listen": "127.0.0.1:7000", "mode": "tcp" } ],
              "pools": [ { "name": "p", "backends": [ { "address": "127.0.0.1:9101" } ] } ] }
            """);

        var e = Assert.Throws<ConfigException>(() => ConfigValidator.Validate(options));

        Assert.Contains(e.Errors, line => line == "listeners[0].pool: required for a tcp listener");
    }

    [Theory]
    [InlineData("header:X User")]
    [InlineData("query:id")]
    [InlineData("cookie:")]
    public void Validate_BadHashKey_NamesTheField(string hashKey)
    {
        var options = ConfigLoader.Parse("""
            { "listeners": [ { "name": "w", "listen": "127.0.0.1:8080", "pool": "p" } ],
              "pools": [ { "name": "p", "policy": "consistent_hash", "backends": [ { "address": "127.0.0.1:9101" } ] } ] }
            """);
        options.Pools[0].HashKey = hashKey;

        var e = Assert.Throws<ConfigException>(() => ConfigValidator.Validate(options));

        Assert.Contains(e.Errors, line => line.StartsWith("pools[0].hashKey", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("a=1; session=abc; b=2", "abc")]
    [InlineData("session=\"quoted\"", "quoted")]
    [InlineData("sessions=no; session=yes", "yes")]
    [InlineData("a=1", "")]
    public void CookieValue_FindsTheNamedCookie(string header, string expected)
    {
        ReadOnlySpan<byte> value = FastLb.Proxy.Forwarding.AffinityKey.CookieValue(System.Text.Encoding.ASCII.GetBytes(header), "session"u8);

        Assert.Equal(expected, System.Text.Encoding.ASCII.GetString(value));
    }
}

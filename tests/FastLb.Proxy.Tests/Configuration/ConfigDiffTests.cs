using FastLb.Proxy.Configuration;

namespace FastLb.Proxy.Tests.Configuration;

public sealed class ConfigDiffTests
{
    private const string Running = """
        {
          "admin": { "listen": "127.0.0.1:9090" },
          "listeners": [ { "name": "web", "listen": "127.0.0.1:8080", "mode": "http", "pool": "a" },
                         { "name": "raw", "listen": "127.0.0.1:7000", "mode": "tcp", "pool": "a" } ],
          "pools": [ { "name": "a", "backends": [ { "address": "127.0.0.1:9101" } ] },
                     { "name": "b", "backends": [ { "address": "127.0.0.1:9102" } ] } ],
          "requestLog": { "path": "logs/requests.csv" }
        }
        """;

    private static ProxyConfig Load(string json) => ConfigValidator.Validate(ConfigLoader.Parse(json));

    [Theory]
    [InlineData("\"127.0.0.1:9090\"", "\"127.0.0.1:9091\"", "admin.listen: cannot change on reload; restart")]
    [InlineData("\"127.0.0.1:8080\"", "\"127.0.0.1:8081\"", "listeners[0].listen: listeners cannot change on reload; restart")]
    [InlineData("\"name\": \"raw\"", "\"name\": \"tcp\"", "listeners[1].name: listeners cannot change on reload; restart")]
    [InlineData("\"mode\": \"tcp\"", "\"mode\": \"http\"", "listeners[1].mode: listeners cannot change on reload; restart")]
    [InlineData("logs/requests.csv", "logs/other.csv", "requestLog.path: cannot change on reload; restart")]
    [InlineData("\"requestLog\"", "\"limits\": { \"maxHeaderBytes\": 8192 }, \"requestLog\"", "limits.maxHeaderBytes: cannot change on reload; restart")]
    [InlineData("\"requestLog\"", "\"model\": { \"path\": \"other.model\" }, \"requestLog\"", "model.path: cannot change on reload; restart")]
    public void RestartOnly_FieldOnlyARestartCanChange_NamesIt(string from, string to, string expected)
    {
        List<string> errors = ConfigDiff.RestartOnly(Load(Running), Load(Running.Replace(from, to)));

        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("", "\"deadlineMs\": 50, ", "pool 'a': deadlineMs none -> 50")]
    [InlineData("\"deadlineMs\": 50, ", "\"deadlineMs\": 100, ", "pool 'a': deadlineMs 50 -> 100")]
    [InlineData("\"deadlineMs\": 50, ", "", "pool 'a': deadlineMs 50 -> none")]
    public void DescribePool_DeadlineMsChanged_NamesIt(string from, string to, string expected)
    {
        static PoolConfig PoolA(string deadline) =>
            Load(Running.Replace("{ \"name\": \"a\", ", $"{{ \"name\": \"a\", {deadline}")).Pools[0];
        var changes = new List<string>();

        ConfigDiff.DescribePool(PoolA(from), PoolA(to), changes);

        Assert.Equal([expected], changes);
    }

    [Fact]
    public void DescribePool_SameFields_NoLines()
    {
        var changes = new List<string>();

        ConfigDiff.DescribePool(Load(Running).Pools[0], Load(Running).Pools[0], changes);

        Assert.Empty(changes);
    }

    [Fact]
    public void RestartOnly_PoolsRoutesLimitsAndListenerPoolsChanged_NothingRefused()
    {
        string next = Running
            .Replace("\"pool\": \"a\" },", "\"pool\": \"b\" },")
            .Replace("\"requestLog\"", "\"routes\": [ { \"listener\": \"web\", \"pathPrefix\": \"/api\", \"pool\": \"b\" } ], \"limits\": { \"idleTimeoutMs\": 1000 }, \"requestLog\"")
            .Replace("127.0.0.1:9102", "127.0.0.1:9103");
        var changes = new List<string>();

        List<string> errors = ConfigDiff.RestartOnly(Load(Running), Load(next));
        ConfigDiff.DescribeGlobal(Load(Running), Load(next), changes);

        Assert.Empty(errors);
        Assert.Equal(["listener 'web': pool 'a' -> 'b'", "routes: 0 -> 1 routes", "limits.idleTimeoutMs: 60000 -> 1000"], changes);
    }

    [Fact]
    public void MaxConnectionsChanged_AppliedOnReload_Described()
    {
        string next = Running.Replace("\"requestLog\"", "\"limits\": { \"maxConnections\": 50 }, \"requestLog\"");
        var changes = new List<string>();

        List<string> errors = ConfigDiff.RestartOnly(Load(Running), Load(next));
        ConfigDiff.DescribeGlobal(Load(Running), Load(next), changes);

        Assert.Empty(errors);
        Assert.Equal(["limits.maxConnections: 10000 -> 50"], changes);
    }
}

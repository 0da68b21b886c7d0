using FastLb.Proxy.Tests.Infrastructure;
using Npgsql;

namespace FastLb.Proxy.Tests.Logging;

/// <summary>The request log copied into PostgreSQL (scripts/test starts the server and sets FASTLB_TEST_POSTGRES).</summary>
public sealed class PostgresRequestLogTests : IAsyncLifetime
{
    private readonly string _database = $"fastlb_log_{Guid.NewGuid():N}";
    private string _admin = "";
    private string _connectionString = "";

    public async Task InitializeAsync()
    {
        _admin = Environment.GetEnvironmentVariable("FASTLB_TEST_POSTGRES")
            ?? throw new InvalidOperationException("FASTLB_TEST_POSTGRES is not set: run the tests with ./scripts/test, which starts PostgreSQL");
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand($"CREATE DATABASE {_database}", connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        _connectionString = new NpgsqlConnectionStringBuilder(_admin) { Database = _database, Pooling = false }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task ProxiedRequests_CopiedIntoTable_ThenTrainReadsThem()
    {
        await using TestBackend a = await TestBackend.StartAsync("a");
        await using TestBackend b = await TestBackend.StartAsync("b");
        ProxyHost proxy = await ProxyHost.StartAsync([a.Address, b.Address], configure: o => o.RequestLog.Postgres = _connectionString);
        using (var client = new HttpClient { BaseAddress = proxy.BaseUri })
        {
            for (int i = 0; i < 400; i++)
            {
                (await client.GetAsync(i % 10 == 0 ? "/status/503" : "/hello")).Dispose();
            }
        }

        await proxy.DisposeAsync();

        await using (var connection = new NpgsqlConnection(_connectionString))
        {
            await connection.OpenAsync();
            await using var count = new NpgsqlCommand("SELECT count(*), count(*) FILTER (WHERE status = 503), count(DISTINCT backend) FROM request_log", connection);
            await using NpgsqlDataReader reader = await count.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal(400, reader.GetInt64(0));
            Assert.Equal(40, reader.GetInt64(1));
            Assert.Equal(2, reader.GetInt64(2));
        }

        Assert.Equal(400, proxy.Server.Metrics.LogRecordsWritten);
        string model = Path.Combine(Path.GetTempPath(), $"{_database}.model");
        try
        {
            (int exitCode, _, string stderr) = await FastLbProcess.RunToEndAsync("train", "--postgres", _connectionString, "--out", model, "--trees", "20");
            Assert.True(exitCode == 0, stderr);
            Assert.True(File.Exists(model));
        }
        finally
        {
            foreach (string file in Directory.GetFiles(Path.GetTempPath(), $"{_database}*"))
            {
                File.Delete(file);
            }
        }
    }

    [Fact]
    public async Task UnreachableServer_RefusedAtStartNamingTheField()
    {
        await using TestBackend a = await TestBackend.StartAsync("a");
        string nowhere = new NpgsqlConnectionStringBuilder(_connectionString) { Port = Forwarding.HttpErrorTests.FreePort(), Timeout = 2 }.ConnectionString;

        var e = await Assert.ThrowsAsync<FastLb.Proxy.Configuration.ConfigException>(() =>
            ProxyHost.StartAsync([a.Address], configure: o => o.RequestLog.Postgres = nowhere));

        Assert.StartsWith("requestLog.postgres", e.Errors[0]);
    }
}

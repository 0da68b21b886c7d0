using StackExchange.Redis;

namespace FastLb.Backends.Storage;

/// <summary>One multiplexed Redis connection per instance, closed when the instance stops.</summary>
internal sealed class RedisConnection : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _multiplexer;

    private RedisConnection(ConnectionMultiplexer multiplexer) => _multiplexer = multiplexer;

    /// <summary>The default database.</summary>
    public IDatabase Database => _multiplexer.GetDatabase();

    /// <summary>Connects to <paramref name="endpoint"/> (host:port); throws when Redis cannot be reached.</summary>
    public static async Task<RedisConnection> ConnectAsync(string endpoint)
    {
        ConfigurationOptions options = ConfigurationOptions.Parse(endpoint);
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 5000;
        ConnectionMultiplexer multiplexer = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
        return new RedisConnection(multiplexer);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await _multiplexer.CloseAsync().ConfigureAwait(false);
}

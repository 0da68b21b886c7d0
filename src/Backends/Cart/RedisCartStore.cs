using System.Globalization;
using StackExchange.Redis;

namespace FastLb.Backends.Cart;

/// <summary>Carts in Redis: one hash per owner (field SKU, value quantity); HINCRBY makes adds atomic, EXPIRE gives guest carts a sliding TTL, and a Lua script makes merge atomic.</summary>
internal sealed class RedisCartStore : ICartStore
{
    private const string MergeScript = """
        local items = redis.call('HGETALL', KEYS[1])
        for i = 1, #items, 2 do redis.call('HINCRBY', KEYS[2], items[i], items[i + 1]) end
        redis.call('DEL', KEYS[1])
        return #items / 2
        """;

    private readonly IDatabase _db;
    private readonly string _prefix;

    /// <summary>Uses <paramref name="db"/>, every key under <paramref name="prefix"/>.</summary>
    public RedisCartStore(IDatabase db, string prefix)
    {
        _db = db;
        _prefix = prefix;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CartLine>> GetAsync(string owner, CancellationToken cancellationToken)
    {
        HashEntry[] entries = await _db.HashGetAllAsync(Key(owner)).ConfigureAwait(false);
        var lines = new CartLine[entries.Length];
        for (int i = 0; i < entries.Length; i++) lines[i] = new CartLine(entries[i].Name!, int.Parse((string)entries[i].Value!, CultureInfo.InvariantCulture));
        return lines;
    }

    /// <inheritdoc />
    public async Task AddAsync(string owner, string sku, int quantity, TimeSpan? ttl, CancellationToken cancellationToken)
    {
        RedisKey key = Key(owner);
        await _db.HashIncrementAsync(key, sku, quantity).ConfigureAwait(false);
        if (ttl is { } t) await _db.KeyExpireAsync(key, t).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task SetAsync(string owner, string sku, int quantity, TimeSpan? ttl, CancellationToken cancellationToken)
    {
        RedisKey key = Key(owner);
        if (quantity == 0) await _db.HashDeleteAsync(key, sku).ConfigureAwait(false);
        else await _db.HashSetAsync(key, sku, quantity).ConfigureAwait(false);
        if (ttl is { } t) await _db.KeyExpireAsync(key, t).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<bool> RemoveAsync(string owner, string sku, CancellationToken cancellationToken) => _db.HashDeleteAsync(Key(owner), sku);

    /// <inheritdoc />
    public Task ClearAsync(string owner, CancellationToken cancellationToken) => _db.KeyDeleteAsync(Key(owner));

    /// <inheritdoc />
    public async Task<int> MergeAsync(string from, string to, CancellationToken cancellationToken)
    {
        RedisResult moved = await _db.ScriptEvaluateAsync(MergeScript, [Key(from), Key(to)]).ConfigureAwait(false);
        return (int)moved;
    }

    /// <summary>Seconds until a cart expires, or null when it has no TTL (tests).</summary>
    public async Task<TimeSpan?> TimeToLiveAsync(string owner) => await _db.KeyTimeToLiveAsync(Key(owner)).ConfigureAwait(false);

    private RedisKey Key(string owner) => _prefix + "cart:" + owner;
}

using System.Collections.Concurrent;

namespace FastLb.Backends.Cart;

/// <summary>Carts in process memory; each cart changes under its own lock, expiry is checked on access.</summary>
internal sealed class InMemoryCartStore : ICartStore
{
    private readonly ConcurrentDictionary<string, Entry> _carts = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    /// <summary>Uses <paramref name="time"/> for expiry.</summary>
    public InMemoryCartStore(TimeProvider time) => _time = time;

    /// <inheritdoc />
    public Task<IReadOnlyList<CartLine>> GetAsync(string owner, CancellationToken cancellationToken)
    {
        Entry? entry = Live(owner);
        if (entry is null) return Task.FromResult<IReadOnlyList<CartLine>>([]);
        lock (entry) return Task.FromResult<IReadOnlyList<CartLine>>(entry.Lines.Select(p => new CartLine(p.Key, p.Value)).ToArray());
    }

    /// <inheritdoc />
    public Task AddAsync(string owner, string sku, int quantity, TimeSpan? ttl, CancellationToken cancellationToken)
    {
        Write(owner, ttl, lines => lines[sku] = lines.TryGetValue(sku, out int q) ? q + quantity : quantity);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task SetAsync(string owner, string sku, int quantity, TimeSpan? ttl, CancellationToken cancellationToken)
    {
        Write(owner, ttl, lines =>
        {
            if (quantity == 0) lines.Remove(sku);
            else lines[sku] = quantity;
        });
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<bool> RemoveAsync(string owner, string sku, CancellationToken cancellationToken)
    {
        Entry? entry = Live(owner);
        if (entry is null) return Task.FromResult(false);
        lock (entry) return Task.FromResult(!entry.Dead && entry.Lines.Remove(sku));
    }

    /// <inheritdoc />
    public Task ClearAsync(string owner, CancellationToken cancellationToken)
    {
        if (_carts.TryRemove(owner, out Entry? entry))
        {
            lock (entry) entry.Dead = true;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<int> MergeAsync(string from, string to, CancellationToken cancellationToken)
    {
        if (Live(from) is null || !_carts.TryRemove(from, out Entry? source)) return Task.FromResult(0);
        KeyValuePair<string, int>[] moved;
        lock (source)
        {
            source.Dead = true;
            moved = source.Lines.ToArray();
        }

        Write(to, null, lines =>
        {
            foreach (var (sku, quantity) in moved) lines[sku] = lines.TryGetValue(sku, out int q) ? q + quantity : quantity;
        });
        return Task.FromResult(moved.Length);
    }

    private Entry? Live(string owner)
    {
        if (!_carts.TryGetValue(owner, out Entry? entry)) return null;
        if (entry.ExpiresAt is { } at && at <= _time.GetUtcNow())
        {
            _carts.TryRemove(KeyValuePair.Create(owner, entry));
            return null;
        }

        return entry;
    }

    private void Write(string owner, TimeSpan? ttl, Action<Dictionary<string, int>> change)
    {
        while (true)
        {
            Entry entry = Live(owner) ?? _carts.GetOrAdd(owner, _ => new Entry());
            lock (entry)
            {
                // A cart cleared or merged away meanwhile is dead: start again on a fresh one.
                if (entry.Dead) continue;
                change(entry.Lines);
                entry.ExpiresAt = ttl is { } t ? _time.GetUtcNow() + t : null;
                return;
            }
        }
    }

    /// <summary>One cart.</summary>
    private sealed class Entry
    {
        public readonly Dictionary<string, int> Lines = new(StringComparer.Ordinal);
        public DateTimeOffset? ExpiresAt;
        public bool Dead;
    }
}

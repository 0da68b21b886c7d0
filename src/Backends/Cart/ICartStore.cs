namespace FastLb.Backends.Cart;

/// <summary>Carts keyed by owner (user:ID or guest:SESSION); a cart with a TTL expires that long after its last write.</summary>
internal interface ICartStore
{
    /// <summary>The owner's lines (none when absent or expired).</summary>
    Task<IReadOnlyList<CartLine>> GetAsync(string owner, CancellationToken cancellationToken);

    /// <summary>Adds <paramref name="quantity"/> units atomically.</summary>
    Task AddAsync(string owner, string sku, int quantity, TimeSpan? ttl, CancellationToken cancellationToken);

    /// <summary>Sets a line's quantity; 0 removes it.</summary>
    Task SetAsync(string owner, string sku, int quantity, TimeSpan? ttl, CancellationToken cancellationToken);

    /// <summary>Removes a line; false when it was not there.</summary>
    Task<bool> RemoveAsync(string owner, string sku, CancellationToken cancellationToken);

    /// <summary>Empties the cart.</summary>
    Task ClearAsync(string owner, CancellationToken cancellationToken);

    /// <summary>Adds every line of <paramref name="from"/> to <paramref name="to"/> and deletes <paramref name="from"/>, atomically; returns how many lines moved.</summary>
    Task<int> MergeAsync(string from, string to, CancellationToken cancellationToken);
}

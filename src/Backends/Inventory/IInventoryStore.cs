namespace FastLb.Backends.Inventory;

/// <summary>Catalog, stock and reservations. Implementations never let stock go negative, under any concurrency.</summary>
internal interface IInventoryStore
{
    /// <summary>Adds the products that do not exist yet (instances sharing a database seed once).</summary>
    Task SeedAsync(IReadOnlyList<Product> products, CancellationToken cancellationToken);

    /// <summary>A page of products ordered by SKU, optionally of one category.</summary>
    Task<ProductPage> ListAsync(string? category, int offset, int limit, CancellationToken cancellationToken);

    /// <summary>One product, or null.</summary>
    Task<Product?> GetAsync(string sku, CancellationToken cancellationToken);

    /// <summary>Products whose name, description or category contains <paramref name="query"/> (case-insensitive).</summary>
    Task<IReadOnlyList<Product>> SearchAsync(string query, int limit, CancellationToken cancellationToken);

    /// <summary>Takes stock for every line or for none; with <paramref name="idempotencyKey"/>, a repeat returns the first outcome.</summary>
    Task<ReserveOutcome> ReserveAsync(IReadOnlyList<ItemQuantity> items, string? idempotencyKey, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>PENDING and unexpired -> CONFIRMED; CONFIRMED stays (Ok); otherwise Conflict.</summary>
    Task<TransitionOutcome> ConfirmAsync(Guid reservationId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>PENDING or CONFIRMED -> RELEASED with stock returned; RELEASED or EXPIRED stays (Ok).</summary>
    Task<TransitionOutcome> ReleaseAsync(Guid reservationId, CancellationToken cancellationToken);

    /// <summary>Expires every PENDING reservation due at <paramref name="now"/> and returns its stock; returns how many.</summary>
    Task<int> ExpireAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Sets a product's stock (admin); false when the SKU is unknown.</summary>
    Task<bool> SetStockAsync(string sku, int stock, CancellationToken cancellationToken);
}

namespace FastLb.Backends.Orders;

/// <summary>Orders and their transactional outbox.</summary>
internal interface IOrderStore
{
    /// <summary>Stores a new order; with <paramref name="idempotencyKey"/> (per user) a repeat returns the first order and false.</summary>
    Task<(Order Order, bool Created)> CreateAsync(Order order, string? idempotencyKey, CancellationToken cancellationToken);

    /// <summary>One order, or null.</summary>
    Task<Order?> GetAsync(Guid orderId, CancellationToken cancellationToken);

    /// <summary>A user's orders, newest first.</summary>
    Task<IReadOnlyList<Order>> ListByUserAsync(string userId, int limit, CancellationToken cancellationToken);

    /// <summary>Replaces the order if its stored version is still <paramref name="expectedVersion"/> (the new one carries expected + 1),
    /// and appends <paramref name="outboxEvent"/> in the same transaction; false when someone else wrote first.</summary>
    Task<bool> UpdateAsync(Order order, int expectedVersion, OutboxEvent? outboxEvent, CancellationToken cancellationToken);

    /// <summary>Claims up to <paramref name="max"/> undelivered events not claimed by another relay since <paramref name="now"/>, until <paramref name="leaseUntil"/>.</summary>
    Task<IReadOnlyList<OutboxEvent>> ClaimPendingAsync(int max, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    /// <summary>Marks an event delivered; it is never claimed again.</summary>
    Task MarkDeliveredAsync(Guid eventId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Events not yet delivered (tests, metrics).</summary>
    Task<int> PendingCountAsync(CancellationToken cancellationToken);
}

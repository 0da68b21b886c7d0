
namespace FastLb.Backends.Orders;

/// <summary>Orders and outbox in process memory. One lock covers an order write and its event, standing in for the database transaction.</summary>
internal sealed class InMemoryOrderStore : IOrderStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, Order> _orders = [];
    private readonly Dictionary<string, Guid> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, Pending> _outbox = [];

    /// <inheritdoc />
    public Task<(Order Order, bool Created)> CreateAsync(Order order, string? idempotencyKey, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (idempotencyKey is not null)
            {
                string key = order.UserId + "\n" + idempotencyKey;
                if (_byKey.TryGetValue(key, out Guid existing)) return Task.FromResult((_orders[existing], false));
                _byKey[key] = order.OrderId;
            }

            _orders[order.OrderId] = order;
            return Task.FromResult((order, true));
        }
    }

    /// <inheritdoc />
    public Task<Order?> GetAsync(Guid orderId, CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult(_orders.TryGetValue(orderId, out Order? o) ? o : null);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Order>> ListByUserAsync(string userId, int limit, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<Order>>(_orders.Values.Where(o => o.UserId == userId)
                .OrderByDescending(o => o.CreatedAt).ThenBy(o => o.OrderId).Take(limit).ToArray());
        }
    }

    /// <inheritdoc />
    public Task<bool> UpdateAsync(Order order, int expectedVersion, OutboxEvent? outboxEvent, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_orders.TryGetValue(order.OrderId, out Order? current) || current.Version != expectedVersion) return Task.FromResult(false);
            _orders[order.OrderId] = order with { Version = expectedVersion + 1 };
            if (outboxEvent is not null) _outbox[outboxEvent.EventId] = new Pending(outboxEvent);
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxEvent>> ClaimPendingAsync(int max, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var claimed = new List<OutboxEvent>();
            foreach (Pending p in _outbox.Values.OrderBy(p => p.Event.CreatedAt))
            {
                if (claimed.Count == max) break;
                if (p.LeaseUntil is { } until && until > now) continue;
                p.LeaseUntil = leaseUntil;
                claimed.Add(p.Event);
            }

            return Task.FromResult<IReadOnlyList<OutboxEvent>>(claimed);
        }
    }

    /// <inheritdoc />
    public Task MarkDeliveredAsync(Guid eventId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            // Delivered events are done with: drop them so the outbox stays small in long runs.
            _outbox.Remove(eventId);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<int> PendingCountAsync(CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult(_outbox.Count);
    }

    /// <summary>An outbox row.</summary>
    private sealed class Pending(OutboxEvent e)
    {
        public readonly OutboxEvent Event = e;
        public DateTimeOffset? LeaseUntil;
    }
}

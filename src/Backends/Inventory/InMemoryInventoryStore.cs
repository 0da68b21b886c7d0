using System.Collections.Concurrent;

namespace FastLb.Backends.Inventory;

/// <summary>Inventory in process memory. Stock per product is one int changed only by compare-and-swap, so it never goes negative and no update is lost; a reservation's state moves by CAS too, so confirm, release and expiry race safely and return stock at most once.</summary>
internal sealed class InMemoryInventoryStore : IInventoryStore
{
    private const int StatePending = 0;
    private const int StateConfirmed = 1;
    private const int StateReleased = 2;
    private const int StateExpired = 3;

    private readonly ConcurrentDictionary<string, Cell> _products = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, Entry> _reservations = new();
    private readonly ConcurrentDictionary<string, Lazy<ReserveOutcome>> _byKey = new(StringComparer.Ordinal);
    private volatile Cell[] _sorted = [];

    /// <summary>How long a finished (confirmed, released, expired) reservation stays readable before the sweeper drops it.</summary>
    internal static readonly TimeSpan Retention = TimeSpan.FromHours(1);

    /// <inheritdoc />
    public Task SeedAsync(IReadOnlyList<Product> products, CancellationToken cancellationToken)
    {
        foreach (Product p in products) _products.TryAdd(p.Sku, new Cell(p));
        _sorted = _products.Values.OrderBy(c => c.Info.Sku, StringComparer.Ordinal).ToArray();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<ProductPage> ListAsync(string? category, int offset, int limit, CancellationToken cancellationToken)
    {
        IEnumerable<Cell> all = _sorted;
        if (category is not null) all = all.Where(c => string.Equals(c.Info.Category, category, StringComparison.OrdinalIgnoreCase));
        Cell[] matching = all.ToArray();
        var page = matching.Skip(offset).Take(limit).Select(c => c.Snapshot()).ToArray();
        return Task.FromResult(new ProductPage(page, matching.Length, offset, limit));
    }

    /// <inheritdoc />
    public Task<Product?> GetAsync(string sku, CancellationToken cancellationToken) =>
        Task.FromResult(_products.TryGetValue(sku, out Cell? cell) ? cell.Snapshot() : null);

    /// <inheritdoc />
    public Task<IReadOnlyList<Product>> SearchAsync(string query, int limit, CancellationToken cancellationToken)
    {
        IReadOnlyList<Product> found = _sorted
            .Where(c => c.Info.Name.Contains(query, StringComparison.OrdinalIgnoreCase)
                || c.Info.Description.Contains(query, StringComparison.OrdinalIgnoreCase)
                || c.Info.Category.Contains(query, StringComparison.OrdinalIgnoreCase))
            .Take(limit)
            .Select(c => c.Snapshot())
            .ToArray();
        return Task.FromResult(found);
    }

    /// <inheritdoc />
    public Task<ReserveOutcome> ReserveAsync(IReadOnlyList<ItemQuantity> items, string? idempotencyKey, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        if (idempotencyKey is null) return Task.FromResult(Reserve(items, now, expiresAt));

        // Lazy with ExecutionAndPublication: concurrent repeats of one key run the reservation once.
        Lazy<ReserveOutcome> once = _byKey.GetOrAdd(idempotencyKey, _ => new Lazy<ReserveOutcome>(() => Reserve(items, now, expiresAt)));
        ReserveOutcome outcome = once.Value;
        return Task.FromResult(outcome.Reservation is null || !_reservations.TryGetValue(outcome.Reservation.ReservationId, out Entry? entry)
            ? outcome
            : outcome with { Reservation = entry.Snapshot() });
    }

    /// <inheritdoc />
    public Task<TransitionOutcome> ConfirmAsync(Guid reservationId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!_reservations.TryGetValue(reservationId, out Entry? entry)) return Task.FromResult(new TransitionOutcome(TransitionStatus.NotFound, null));
        if (entry.ExpiresAt <= now) Expire(entry);
        bool ok = Interlocked.CompareExchange(ref entry.State, StateConfirmed, StatePending) == StatePending || Volatile.Read(ref entry.State) == StateConfirmed;
        return Task.FromResult(new TransitionOutcome(ok ? TransitionStatus.Ok : TransitionStatus.Conflict, entry.Snapshot()));
    }

    /// <inheritdoc />
    public Task<TransitionOutcome> ReleaseAsync(Guid reservationId, CancellationToken cancellationToken)
    {
        if (!_reservations.TryGetValue(reservationId, out Entry? entry)) return Task.FromResult(new TransitionOutcome(TransitionStatus.NotFound, null));
        while (true)
        {
            int state = Volatile.Read(ref entry.State);
            if (state is StateReleased or StateExpired) break;
            if (Interlocked.CompareExchange(ref entry.State, StateReleased, state) == state)
            {
                Return(entry);
                break;
            }
        }

        return Task.FromResult(new TransitionOutcome(TransitionStatus.Ok, entry.Snapshot()));
    }

    /// <inheritdoc />
    public Task<int> ExpireAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        int expired = 0;
        foreach (Entry entry in _reservations.Values)
        {
            if (entry.ExpiresAt <= now && Volatile.Read(ref entry.State) == StatePending && Expire(entry)) expired++;

            // Keep memory bounded in long runs: finished reservations are dropped after the retention.
            if (Volatile.Read(ref entry.State) != StatePending && entry.ExpiresAt + Retention <= now) _reservations.TryRemove(entry.Id, out _);
        }

        foreach (var (key, once) in _byKey)
        {
            if (once.IsValueCreated && once.Value.Reservation is { } r && !_reservations.ContainsKey(r.ReservationId))
            {
                _byKey.TryRemove(key, out _);
            }
        }

        return Task.FromResult(expired);
    }

    /// <inheritdoc />
    public Task<bool> SetStockAsync(string sku, int stock, CancellationToken cancellationToken)
    {
        if (!_products.TryGetValue(sku, out Cell? cell)) return Task.FromResult(false);
        Volatile.Write(ref cell.Stock, stock);
        return Task.FromResult(true);
    }

    private ReserveOutcome Reserve(IReadOnlyList<ItemQuantity> items, DateTimeOffset now, DateTimeOffset expiresAt)
    {
        var cells = new Cell[items.Count];
        for (int i = 0; i < items.Count; i++)
        {
            if (!_products.TryGetValue(items[i].Sku!, out Cell? cell)) return new ReserveOutcome(ReserveStatus.UnknownSku, null, items[i].Sku);
            cells[i] = cell;
        }

        for (int i = 0; i < items.Count; i++)
        {
            if (!cells[i].TryTake(items[i].Quantity))
            {
                // All or nothing: give back what this call took before the line that failed.
                for (int j = 0; j < i; j++) Interlocked.Add(ref cells[j].Stock, items[j].Quantity);
                return new ReserveOutcome(ReserveStatus.InsufficientStock, null, items[i].Sku);
            }
        }

        var lines = new ReservedItem[items.Count];
        for (int i = 0; i < items.Count; i++) lines[i] = new ReservedItem(items[i].Sku!, items[i].Quantity, cells[i].Info.Price);
        var entry = new Entry(Guid.NewGuid(), now, expiresAt, lines, cells);
        _reservations[entry.Id] = entry;
        return new ReserveOutcome(ReserveStatus.Reserved, entry.Snapshot(), null);
    }

    private static bool Expire(Entry entry)
    {
        if (Interlocked.CompareExchange(ref entry.State, StateExpired, StatePending) != StatePending) return false;
        Return(entry);
        return true;
    }

    private static void Return(Entry entry)
    {
        for (int i = 0; i < entry.Lines.Length; i++) Interlocked.Add(ref entry.Cells[i].Stock, entry.Lines[i].Quantity);
    }

    /// <summary>A product and its stock counter.</summary>
    private sealed class Cell(Product info)
    {
        public readonly Product Info = info;
        public int Stock = info.Stock;

        public Product Snapshot() => Info with { Stock = Volatile.Read(ref Stock) };

        /// <summary>CAS loop: take <paramref name="quantity"/> only if that many are there.</summary>
        public bool TryTake(int quantity)
        {
            int current = Volatile.Read(ref Stock);
            while (current >= quantity)
            {
                int seen = Interlocked.CompareExchange(ref Stock, current - quantity, current);
                if (seen == current) return true;
                current = seen;
            }

            return false;
        }
    }

    /// <summary>A reservation and its state word.</summary>
    private sealed class Entry(Guid id, DateTimeOffset createdAt, DateTimeOffset expiresAt, ReservedItem[] lines, Cell[] cells)
    {
        public readonly Guid Id = id;
        public readonly DateTimeOffset CreatedAt = createdAt;
        public readonly DateTimeOffset ExpiresAt = expiresAt;
        public readonly ReservedItem[] Lines = lines;
        public readonly Cell[] Cells = cells;
        public int State = StatePending;

        public Reservation Snapshot() => new(Id, Volatile.Read(ref State) switch
        {
            StatePending => Reservation.Pending,
            StateConfirmed => Reservation.Confirmed,
            StateReleased => Reservation.Released,
            _ => Reservation.Expired,
        }, CreatedAt, ExpiresAt, Lines, Lines.Sum(l => l.UnitPrice * l.Quantity));
    }
}

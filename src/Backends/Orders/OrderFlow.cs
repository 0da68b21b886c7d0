using System.Text.Json;
using FastLb.Backends.Cart;
using FastLb.Backends.Hosting;
using FastLb.Backends.Inventory;
using FastLb.Backends.Payments;
using Microsoft.Extensions.Logging;

namespace FastLb.Backends.Orders;

/// <summary>The order saga: reserve stock -> pay -> confirm reservation -> clear cart -> save PAID with its outbox event.
/// A failing step compensates what was done (refund, release) and the order ends FAILED with the reason. If the process
/// dies mid-way, the reservation is never confirmed and inventory's sweeper returns the stock when it expires.
/// Reserve and pay carry the Idempotency-Key <c>order:ID</c>, which makes them safe to retry.</summary>
internal sealed class OrderFlow
{
    private readonly IOrderStore _store;
    private readonly ServiceClient _services;
    private readonly BackendContext _context;
    private readonly Action _outboxWritten;
    private readonly ILogger _log;

    /// <summary>Creates the saga runner; <paramref name="outboxWritten"/> wakes the relay.</summary>
    public OrderFlow(IOrderStore store, ServiceClient services, BackendContext context, Action outboxWritten)
    {
        _store = store;
        _services = services;
        _context = context;
        _outboxWritten = outboxWritten;
        _log = context.Loggers.CreateLogger<OrderFlow>();
    }

    /// <summary>Lines of the user's cart (convert-to-order), null when the cart is empty, or an exception-free failure text.</summary>
    public async Task<(IReadOnlyList<ItemQuantity>? Items, string? Error)> CartItemsAsync(Caller caller, string bearer, CancellationToken cancellationToken)
    {
        CallResult cart = await _services.SendAsync(HttpMethod.Post, $"/api/cart/{Uri.EscapeDataString(caller.UserId)}/convert-to-order", null, bearer, null, idempotent: true, cancellationToken).ConfigureAwait(false);
        if (cart.Status == 409) return (null, null);
        if (!cart.IsSuccess) return (null, $"cart service answered {cart.Status} {cart.Error}");
        CartView view = JsonSerializer.Deserialize(cart.Body, CartJsonContext.Default.CartView)!;
        return (view.Items.Select(l => new ItemQuantity(l.Sku, l.Quantity)).ToArray(), null);
    }

    /// <summary>Runs the saga for a new order, or returns the first order for a repeated idempotency key (Replayed).</summary>
    public async Task<(Order Order, bool Replayed)> CreateAsync(Caller caller, string bearer, IReadOnlyList<ItemQuantity> items, string cardNumber, string currency, string? idempotencyKey, CancellationToken cancellationToken)
    {
        DateTimeOffset now = _context.Time.GetUtcNow();
        var order = new Order(Guid.NewGuid(), caller.UserId, Order.Pending, items.Select(i => new OrderLine(i.Sku!, i.Quantity, 0m)).ToArray(), 0m, currency,
            null, null, null, now, now, 1);
        var (stored, created) = await _store.CreateAsync(order, idempotencyKey, cancellationToken).ConfigureAwait(false);
        if (!created) return (stored, true);

        // The saga runs to its end even if the client goes away: a half-done order helps nobody.
        CancellationToken ct = _context.Stopping;
        string key = "order:" + order.OrderId.ToString("N");

        // 1. Reserve.
        string reserveBody = JsonSerializer.Serialize(new ItemsRequest(items.ToList()), InventoryJsonContext.Default.ItemsRequest);
        CallResult reserve = await _services.SendAsync(HttpMethod.Post, "/api/inventory/reserve", reserveBody, bearer, key, idempotent: true, ct).ConfigureAwait(false);
        if (!reserve.IsSuccess)
        {
            string reason = reserve.Status switch { 409 => "out_of_stock", 404 => "unknown_product", 400 => "invalid_items", _ => "inventory_unavailable" };
            return (await FailAsync(order, reason, ct).ConfigureAwait(false), false);
        }

        Reservation reservation = JsonSerializer.Deserialize(reserve.Body, InventoryJsonContext.Default.Reservation)!;
        Order reserved = order with
        {
            ReservationId = reservation.ReservationId,
            Items = reservation.Items.Select(l => new OrderLine(l.Sku, l.Quantity, l.UnitPrice)).ToArray(),
            Total = reservation.Total,
            UpdatedAt = _context.Time.GetUtcNow(),
        };
        await SaveAsync(reserved, null, ct).ConfigureAwait(false);
        order = reserved with { Version = reserved.Version + 1 };

        // 2. Pay.
        string payBody = JsonSerializer.Serialize(new PaymentRequest(order.OrderId.ToString(), order.Total, currency, cardNumber, null), PaymentsJsonContext.Default.PaymentRequest);
        CallResult pay = await _services.SendAsync(HttpMethod.Post, "/api/payments", payBody, bearer, key, idempotent: true, ct).ConfigureAwait(false);
        Payment? payment = pay.Status is 200 or 201 or 402 ? JsonSerializer.Deserialize(pay.Body, PaymentsJsonContext.Default.Payment) : null;
        if (payment is null || payment.Status != Payment.Captured)
        {
            if (payment is null)
            {
                // Outcome unknown (timeouts, 5xx): void by key, so that a charge still in flight cannot take money later.
                await VoidAsync(order, bearer, key, ct).ConfigureAwait(false);
            }

            await ReleaseAsync(order, bearer, ct).ConfigureAwait(false);
            string reason = payment is not null ? "payment_declined: " + payment.DeclineReason : "payment_unavailable";
            return (await FailAsync(order with { PaymentId = payment?.PaymentId }, reason, ct).ConfigureAwait(false), false);
        }

        order = order with { PaymentId = payment.PaymentId };

        // 3. Confirm the reservation.
        CallResult confirm = await _services.SendAsync(HttpMethod.Post, $"/api/inventory/confirm/{reservation.ReservationId}", null, bearer, null, idempotent: true, ct).ConfigureAwait(false);
        if (!confirm.IsSuccess)
        {
            await RefundAsync(order, bearer, ct).ConfigureAwait(false);
            await ReleaseAsync(order, bearer, ct).ConfigureAwait(false);
            return (await FailAsync(order, confirm.Status == 409 ? "reservation_expired" : "inventory_unavailable", ct).ConfigureAwait(false), false);
        }

        // 4. Clear the cart: best effort, the sale stands either way.
        CallResult clear = await _services.SendAsync(HttpMethod.Delete, "/api/cart", null, bearer, null, idempotent: true, ct).ConfigureAwait(false);
        if (!clear.IsSuccess)
        {
            _context.Metrics.Event("cart_clear_failed");
            _log.LogWarning("order {OrderId}: clearing the cart failed ({Status} {Error})", order.OrderId, clear.Status, clear.Error);
        }

        // 5. Save PAID and its event in one transaction.
        Order paid = order with { Status = Order.Paid, UpdatedAt = _context.Time.GetUtcNow() };
        await SaveAsync(paid, Event(paid, "order.paid", $"Order {paid.OrderId:N} confirmed", $"We received your payment of {paid.Total} {paid.Currency}."), ct).ConfigureAwait(false);
        _context.Metrics.Event("order_paid");
        return (paid with { Version = paid.Version + 1 }, false);
    }

    /// <summary>Moves a PAID order to CANCELLED with its event; null when another writer changed it first (re-read and decide again).
    /// The state changes before the money moves, so a racing status change cannot leave a refunded order SHIPPED.</summary>
    public async Task<Order?> MarkCancelledAsync(Order order, CancellationToken cancellationToken)
    {
        Order cancelled = order with { Status = Order.Cancelled, UpdatedAt = _context.Time.GetUtcNow() };
        OutboxEvent e = Event(cancelled, "order.cancelled", $"Order {order.OrderId:N} cancelled", $"{order.Total} {order.Currency} will be refunded.");
        if (!await _store.UpdateAsync(cancelled, order.Version, e, cancellationToken).ConfigureAwait(false)) return null;
        _outboxWritten();
        _context.Metrics.Event("order_cancelled");
        return cancelled with { Version = order.Version + 1 };
    }

    /// <summary>Refunds and returns the stock of a CANCELLED order; both calls are idempotent, so a repeated cancel finishes a half-done one. False when one failed.</summary>
    public async Task<bool> CompensateCancelledAsync(Order order, string bearer, CancellationToken cancellationToken)
    {
        bool refunded = await RefundAsync(order, bearer, cancellationToken).ConfigureAwait(false);
        bool released = await ReleaseAsync(order, bearer, cancellationToken).ConfigureAwait(false);
        return refunded && released;
    }

    /// <summary>A new outbox event for <paramref name="order"/>.</summary>
    public OutboxEvent Event(Order order, string type, string subject, string body) =>
        new(Guid.NewGuid(), order.OrderId, order.UserId, type, subject, body, _context.Time.GetUtcNow());

    private async Task<Order> FailAsync(Order order, string reason, CancellationToken ct)
    {
        Order failed = order with { Status = Order.Failed, FailureReason = reason, UpdatedAt = _context.Time.GetUtcNow() };
        await SaveAsync(failed, Event(failed, "order.failed", $"Order {order.OrderId:N} failed", $"Your order could not be completed: {reason}."), ct).ConfigureAwait(false);
        _context.Metrics.Event("order_failed");
        return failed with { Version = failed.Version + 1 };
    }

    private async Task SaveAsync(Order order, OutboxEvent? e, CancellationToken ct)
    {
        // Only this saga writes a PENDING order, so the version cannot have moved.
        if (!await _store.UpdateAsync(order, order.Version, e, ct).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"order {order.OrderId} changed under its saga");
        }

        if (e is not null) _outboxWritten();
    }

    private async Task<bool> ReleaseAsync(Order order, string bearer, CancellationToken ct)
    {
        if (order.ReservationId is not { } id) return true;
        CallResult r = await _services.SendAsync(HttpMethod.Post, $"/api/inventory/release/{id}", null, bearer, null, idempotent: true, ct).ConfigureAwait(false);
        if (r.IsSuccess) return true;

        // Not fatal for a failed order: an unconfirmed reservation expires and its stock returns anyway.
        _context.Metrics.Event("release_failed");
        _log.LogWarning("order {OrderId}: release of {ReservationId} failed ({Status} {Error})", order.OrderId, id, r.Status, r.Error);
        return false;
    }

    private async Task VoidAsync(Order order, string bearer, string key, CancellationToken ct)
    {
        CallResult r = await _services.SendAsync(HttpMethod.Post, "/api/payments/void", null, bearer, key, idempotent: true, ct).ConfigureAwait(false);
        if (r.IsSuccess) return;
        _context.Metrics.Event("payment_unreconciled");
        _log.LogError("order {OrderId}: payment outcome unknown and void failed ({Status} {Error}); reconcile by order id", order.OrderId, r.Status, r.Error);
    }

    private async Task<bool> RefundAsync(Order order, string bearer, CancellationToken ct)
    {
        if (order.PaymentId is not { } id) return true;
        CallResult r = await _services.SendAsync(HttpMethod.Post, $"/api/payments/{id}/refund", null, bearer, null, idempotent: true, ct).ConfigureAwait(false);
        if (r.IsSuccess) return true;
        _context.Metrics.Event("refund_failed");
        _log.LogError("order {OrderId}: refund of payment {PaymentId} failed ({Status} {Error})", order.OrderId, id, r.Status, r.Error);
        return false;
    }
}

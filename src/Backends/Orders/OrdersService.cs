using FastLb.Backends.Hosting;
using FastLb.Backends.Inventory;
using FastLb.Backends.Notifications;
using FastLb.Backends.Payments;
using FastLb.Backends.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FastLb.Backends.Orders;

/// <summary>The orders service: create (the saga, idempotent by key), read, list, admin status changes, cancel; and the outbox relay.</summary>
internal static class OrdersService
{
    private static readonly Dictionary<string, string> s_next = new(StringComparer.Ordinal)
    {
        [Order.Paid] = Order.Shipped,
        [Order.Shipped] = Order.Delivered,
    };

    /// <summary>Opens the store, starts the relay, maps the endpoints.</summary>
    public static async Task MapAsync(WebApplication app, BackendContext context, CancellationToken cancellationToken)
    {
        BackendOptions options = context.Options;
        IOrderStore store = options.Postgres is { } cs
            ? new PostgresOrderStore(context.Own(await PostgresDatabase.OpenAsync(cs, options.PostgresSchema, "orders", PostgresOrderStore.Migrations, cancellationToken).ConfigureAwait(false)))
            : new InMemoryOrderStore();
        var services = new ServiceClient(context);
        context.Own(new DisposeAction(services.Dispose));
        var relay = new OutboxRelay(store, services, context);
        var flow = new OrderFlow(store, services, context, relay.Wake);
        context.RunLoop("outbox-relay", relay.RunAsync);
        var auth = new AuthFilter(context.Tokens);
        var admin = new AuthFilter(context.Tokens, false, Caller.AdminRole);

        app.MapPost("/api/orders", Api.Handler(async http =>
        {
            Caller caller = Caller.Required(http);
            string bearer = Bearer(http);
            var (body, error) = await Api.ReadAsync(http.Request, OrdersJsonContext.Default.CreateOrderRequest).ConfigureAwait(false);
            if (error is not null) return error;
            string card = (body!.CardNumber ?? string.Empty).Replace(" ", string.Empty, StringComparison.Ordinal);
            if (!SimulatedGateway.IsValidCard(card)) return Api.BadRequest("cardNumber", "must be 12 to 19 digits passing the Luhn check");
            string currency = body.Currency ?? "USD";
            if (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper)) return Api.BadRequest("currency", "must be a 3-letter upper-case ISO 4217 code");
            string? key = http.Request.Headers["Idempotency-Key"];
            if (key is { Length: > 200 }) return Api.BadRequest("Idempotency-Key", "at most 200 characters");

            IReadOnlyList<ItemQuantity> items;
            if (body.Items is null)
            {
                var (cartItems, cartError) = await flow.CartItemsAsync(caller, bearer, http.RequestAborted).ConfigureAwait(false);
                if (cartError is not null) return Api.Fail(StatusCodes.Status503ServiceUnavailable, "Dependency unavailable", cartError, null);
                if (cartItems is null) return Api.BadRequest("items", "no items given and the cart is empty");
                items = cartItems;
            }
            else
            {
                var (normalized, invalid) = InventoryEndpoints.Normalize(body.Items);
                if (invalid is not null) return invalid;
                items = normalized!;
            }

            var (order, replayed) = await flow.CreateAsync(caller, bearer, items, card, currency, string.IsNullOrEmpty(key) ? null : key, http.RequestAborted).ConfigureAwait(false);
            if (replayed) context.Metrics.Event("order_replayed");
            int status = order.Status switch
            {
                Order.Pending => StatusCodes.Status202Accepted,
                Order.Failed => StatusCodes.Status422UnprocessableEntity,
                _ => replayed ? StatusCodes.Status200OK : StatusCodes.Status201Created,
            };
            return Api.Json(order, OrdersJsonContext.Default.Order, status);
        })).AddEndpointFilter(auth);

        app.MapGet("/api/orders/user", Api.Handler(async http =>
        {
            Caller caller = Caller.Required(http);
            string? userId = http.Request.Query["userId"];
            if (string.IsNullOrEmpty(userId)) userId = caller.UserId;
            else if (!caller.MayActFor(userId)) return Api.Forbidden("only admins may list other users' orders");
            IReadOnlyList<Order> orders = await store.ListByUserAsync(userId, 200, http.RequestAborted).ConfigureAwait(false);
            return Api.Json(new OrderList(orders, orders.Count), OrdersJsonContext.Default.OrderList);
        })).AddEndpointFilter(auth);

        app.MapGet("/api/orders/{orderId}", async (string orderId, HttpContext http) =>
        {
            var (order, error) = await LoadAsync(store, orderId, http).ConfigureAwait(false);
            return error ?? Api.Json(order!, OrdersJsonContext.Default.Order);
        }).AddEndpointFilter(auth);

        app.MapPut("/api/orders/{orderId}/status", async (string orderId, HttpContext http) =>
        {
            var (body, bad) = await Api.ReadAsync(http.Request, NotificationsJsonContext.Default.StatusUpdate).ConfigureAwait(false);
            if (bad is not null) return bad;
            if (body!.Status is null || !Order.Statuses.Contains(body.Status, StringComparer.Ordinal)) return Api.BadRequest("status", "must be one of " + string.Join(", ", Order.Statuses));
            for (int attempt = 0; attempt < 5; attempt++)
            {
                var (order, error) = await LoadAsync(store, orderId, http).ConfigureAwait(false);
                if (error is not null) return error;
                if (order!.Status == body.Status) return Api.Json(order, OrdersJsonContext.Default.Order);
                if (!s_next.TryGetValue(order.Status, out string? next) || next != body.Status)
                {
                    return Api.Conflict($"an order in {order.Status} cannot become {body.Status}", "status");
                }

                Order updated = order with { Status = body.Status, UpdatedAt = context.Time.GetUtcNow() };
                OutboxEvent e = flow.Event(updated, "order." + body.Status.ToLowerInvariant(), $"Order {order.OrderId:N} {body.Status.ToLowerInvariant()}", $"Your order is now {body.Status}.");
                if (await store.UpdateAsync(updated, order.Version, e, http.RequestAborted).ConfigureAwait(false))
                {
                    relay.Wake();
                    return Api.Json(updated with { Version = order.Version + 1 }, OrdersJsonContext.Default.Order);
                }

                // Another writer (maybe another instance) won: decide again on the fresh state.
                context.Metrics.Event("order_write_conflict");
            }

            return Api.Conflict("the order keeps changing; try again");
        }).AddEndpointFilter(admin);

        app.MapPost("/api/orders/{orderId}/cancel", async (string orderId, HttpContext http) =>
        {
            for (int attempt = 0; attempt < 5; attempt++)
            {
                var (order, error) = await LoadAsync(store, orderId, http).ConfigureAwait(false);
                if (error is not null) return error;
                if (order!.Status is not (Order.Paid or Order.Cancelled)) return Api.Conflict($"an order in {order.Status} cannot be cancelled");
                Order? cancelled = order.Status == Order.Cancelled ? order : await flow.MarkCancelledAsync(order, http.RequestAborted).ConfigureAwait(false);
                if (cancelled is null)
                {
                    // Another writer (maybe another instance) won: decide again on the fresh state.
                    context.Metrics.Event("order_write_conflict");
                    continue;
                }

                if (!await flow.CompensateCancelledAsync(cancelled, Bearer(http), context.Stopping).ConfigureAwait(false))
                {
                    return Api.Fail(StatusCodes.Status502BadGateway, "Dependency failed", "the order is cancelled but the refund or stock release failed; cancel again to retry", null);
                }

                return Api.Json(cancelled, OrdersJsonContext.Default.Order);
            }

            return Api.Conflict("the order keeps changing; try again");
        }).AddEndpointFilter(auth);
    }

    private static async Task<(Order? Order, IResult? Error)> LoadAsync(IOrderStore store, string orderId, HttpContext http)
    {
        if (!Guid.TryParse(orderId, out Guid id)) return (null, Api.BadRequest("orderId", "must be a UUID"));
        Order? order = await store.GetAsync(id, http.RequestAborted).ConfigureAwait(false);
        if (order is null) return (null, Api.NotFound("order", orderId));
        if (!Caller.Required(http).MayActFor(order.UserId)) return (null, Api.Forbidden("not your order"));
        return (order, null);
    }

    private static string Bearer(HttpContext http) => http.Request.Headers.Authorization.ToString()["Bearer ".Length..].Trim();
}

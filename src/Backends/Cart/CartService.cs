using System.Text.RegularExpressions;
using FastLb.Backends.Hosting;
using FastLb.Backends.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FastLb.Backends.Cart;

/// <summary>The cart service: a signed-in user's cart (bearer token) or a guest cart (X-Session-Id header, expiring), merge at login, convert to order.</summary>
internal static partial class CartService
{
    /// <summary>Largest quantity of one line in one request.</summary>
    public const int MaxQuantity = 1000;

    /// <summary>Opens the store (Redis when configured) and maps the endpoints.</summary>
    public static async Task MapAsync(WebApplication app, BackendContext context, CancellationToken cancellationToken)
    {
        BackendOptions options = context.Options;
        ICartStore store = options.Redis is { } endpoint
            ? new RedisCartStore(context.Own(await RedisConnection.ConnectAsync(endpoint).ConfigureAwait(false)).Database, options.RedisKeyPrefix)
            : new InMemoryCartStore(context.Time);
        var optional = new AuthFilter(context.Tokens, optional: true);
        var auth = new AuthFilter(context.Tokens);

        app.MapGet("/api/cart", Api.Handler(async http =>
        {
            if (!TryOwner(http, out string owner, out _, out IResult? error)) return error!;
            return View(owner, await store.GetAsync(owner, http.RequestAborted).ConfigureAwait(false));
        })).AddEndpointFilter(optional);

        app.MapPost("/api/cart/items", Api.Handler(http => ChangeAsync(http, add: true))).AddEndpointFilter(optional);
        app.MapPut("/api/cart/items", Api.Handler(http => ChangeAsync(http, add: false))).AddEndpointFilter(optional);

        app.MapDelete("/api/cart/items/{productId}", async (string productId, HttpContext http) =>
        {
            if (!TryOwner(http, out string owner, out _, out IResult? error)) return error!;
            if (!await store.RemoveAsync(owner, productId, http.RequestAborted).ConfigureAwait(false)) return Api.NotFound("cart item", productId);
            return View(owner, await store.GetAsync(owner, http.RequestAborted).ConfigureAwait(false));
        }).AddEndpointFilter(optional);

        app.MapDelete("/api/cart", Api.Handler(async http =>
        {
            if (!TryOwner(http, out string owner, out _, out IResult? error)) return error!;
            await store.ClearAsync(owner, http.RequestAborted).ConfigureAwait(false);
            return Results.NoContent();
        })).AddEndpointFilter(optional);

        app.MapPost("/api/cart/merge", Api.Handler(async http =>
        {
            Caller caller = Caller.Required(http);
            var (body, error) = await Api.ReadAsync(http.Request, CartJsonContext.Default.MergeRequest).ConfigureAwait(false);
            if (error is not null) return error;
            if (body!.SessionId is null || !SessionPattern().IsMatch(body.SessionId)) return Api.BadRequest("sessionId", "must be 8 to 64 characters of A-Z a-z 0-9 - _");
            string owner = UserOwner(caller.UserId);
            int moved = await store.MergeAsync(GuestOwner(body.SessionId), owner, http.RequestAborted).ConfigureAwait(false);
            if (moved > 0) context.Metrics.Event("cart_merged");
            return View(owner, await store.GetAsync(owner, http.RequestAborted).ConfigureAwait(false));
        })).AddEndpointFilter(auth);

        app.MapPost("/api/cart/{userId}/convert-to-order", async (string userId, HttpContext http) =>
        {
            if (!Caller.Required(http).MayActFor(userId)) return Api.Forbidden("only the user themself, an admin or a service may convert this cart");
            string owner = UserOwner(userId);
            IReadOnlyList<CartLine> lines = await store.GetAsync(owner, http.RequestAborted).ConfigureAwait(false);
            if (lines.Count == 0) return Api.Conflict("the cart is empty");
            context.Metrics.Event("cart_converted");
            return View(owner, lines);
        }).AddEndpointFilter(auth);

        async Task<IResult> ChangeAsync(HttpContext http, bool add)
        {
            if (!TryOwner(http, out string owner, out bool guest, out IResult? error)) return error!;
            var (body, bad) = await Api.ReadAsync(http.Request, CartJsonContext.Default.CartItemRequest).ConfigureAwait(false);
            if (bad is not null) return bad;
            if (string.IsNullOrWhiteSpace(body!.Sku) || body.Sku.Length > 64) return Api.BadRequest("sku", "is required, at most 64 characters");
            int min = add ? 1 : 0;
            if (body.Quantity is not { } quantity || quantity < min || quantity > MaxQuantity) return Api.BadRequest("quantity", $"must be between {min} and {MaxQuantity}");
            TimeSpan? ttl = guest ? options.GuestCartTtl : null;
            if (add) await store.AddAsync(owner, body.Sku, quantity, ttl, http.RequestAborted).ConfigureAwait(false);
            else await store.SetAsync(owner, body.Sku, quantity, ttl, http.RequestAborted).ConfigureAwait(false);
            return View(owner, await store.GetAsync(owner, http.RequestAborted).ConfigureAwait(false));
        }
    }

    /// <summary>The store key of a user's cart.</summary>
    internal static string UserOwner(string userId) => "user:" + userId;

    /// <summary>The store key of a guest cart.</summary>
    internal static string GuestOwner(string sessionId) => "guest:" + sessionId;

    private static bool TryOwner(HttpContext http, out string owner, out bool guest, out IResult? error)
    {
        error = null;
        if (Caller.Of(http) is { } caller)
        {
            owner = UserOwner(caller.UserId);
            guest = false;
            return true;
        }

        guest = true;
        string? session = http.Request.Headers["X-Session-Id"];
        if (string.IsNullOrEmpty(session))
        {
            owner = string.Empty;
            error = Api.Unauthorized("send a bearer token, or an X-Session-Id header for a guest cart");
            return false;
        }

        if (!SessionPattern().IsMatch(session))
        {
            owner = string.Empty;
            error = Api.BadRequest("X-Session-Id", "must be 8 to 64 characters of A-Z a-z 0-9 - _");
            return false;
        }

        owner = GuestOwner(session);
        return true;
    }

    private static IResult View(string owner, IReadOnlyList<CartLine> lines) => Api.Json(CartView.Of(owner, lines), CartJsonContext.Default.CartView);

    [GeneratedRegex("^[A-Za-z0-9_-]{8,64}$")]
    private static partial Regex SessionPattern();
}

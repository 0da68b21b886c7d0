using FastLb.Backends.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FastLb.Backends.Inventory;

/// <summary>HTTP handlers of the inventory service.</summary>
internal sealed class InventoryEndpoints
{
    private readonly IInventoryStore _store;
    private readonly BackendContext _context;

    /// <summary>Creates the handlers over a store.</summary>
    public InventoryEndpoints(IInventoryStore store, BackendContext context)
    {
        _store = store;
        _context = context;
    }

    /// <summary>Maps every inventory route.</summary>
    public void Map(WebApplication app)
    {
        var auth = new AuthFilter(_context.Tokens);
        var admin = new AuthFilter(_context.Tokens, false, Caller.AdminRole);
        app.MapGet("/api/inventory/products", Api.Handler(ListAsync));
        app.MapGet("/api/inventory/products/{sku}", GetAsync);
        app.MapGet("/api/inventory/search", Api.Handler(SearchAsync));
        app.MapPost("/api/inventory/check", Api.Handler(CheckAsync)).AddEndpointFilter(auth);
        app.MapPost("/api/inventory/reserve", Api.Handler(ReserveAsync)).AddEndpointFilter(auth);
        app.MapPost("/api/inventory/confirm/{reservationId}", ConfirmAsync).AddEndpointFilter(auth);
        app.MapPost("/api/inventory/release/{reservationId}", ReleaseAsync).AddEndpointFilter(auth);
        app.MapPut("/api/inventory/products/{sku}/stock", SetStockAsync).AddEndpointFilter(admin);
    }

    private async Task<IResult> ListAsync(HttpContext http)
    {
        var query = http.Request.Query;
        if (!TryInt(query["offset"], 0, out int offset) || offset < 0) return Api.BadRequest("offset", "must be an integer >= 0");
        if (!TryInt(query["limit"], 50, out int limit) || limit is < 1 or > 500) return Api.BadRequest("limit", "must be an integer between 1 and 500");
        string? category = query["category"];
        ProductPage page = await _store.ListAsync(string.IsNullOrEmpty(category) ? null : category, offset, limit, http.RequestAborted).ConfigureAwait(false);
        return Api.Json(page, InventoryJsonContext.Default.ProductPage);
    }

    private async Task<IResult> GetAsync(string sku, HttpContext http)
    {
        Product? product = await _store.GetAsync(sku, http.RequestAborted).ConfigureAwait(false);
        return product is null ? Api.NotFound("product", sku) : Api.Json(product, InventoryJsonContext.Default.Product);
    }

    private async Task<IResult> SearchAsync(HttpContext http)
    {
        string? text = http.Request.Query["query"];
        if (string.IsNullOrWhiteSpace(text)) return Api.BadRequest("query", "a non-empty query is required");
        if (text.Length > 100) return Api.BadRequest("query", "at most 100 characters");
        if (!TryInt(http.Request.Query["limit"], 50, out int limit) || limit is < 1 or > 500) return Api.BadRequest("limit", "must be an integer between 1 and 500");
        IReadOnlyList<Product> found = await _store.SearchAsync(text.Trim(), limit, http.RequestAborted).ConfigureAwait(false);
        return Api.Json(new ProductPage(found, found.Count, 0, limit), InventoryJsonContext.Default.ProductPage);
    }

    private async Task<IResult> CheckAsync(HttpContext http)
    {
        var (body, error) = await Api.ReadAsync(http.Request, InventoryJsonContext.Default.ItemsRequest).ConfigureAwait(false);
        if (error is not null) return error;
        var (items, invalid) = Normalize(body!.Items);
        if (invalid is not null) return invalid;
        var lines = new List<CheckLine>(items!.Count);
        foreach (ItemQuantity item in items)
        {
            Product? product = await _store.GetAsync(item.Sku!, http.RequestAborted).ConfigureAwait(false);
            if (product is null) return Api.NotFound("product", item.Sku!);
            lines.Add(new CheckLine(item.Sku!, item.Quantity, product.Stock, product.Stock >= item.Quantity));
        }

        return Api.Json(new CheckResult(lines.TrueForAll(l => l.Ok), lines), InventoryJsonContext.Default.CheckResult);
    }

    private async Task<IResult> ReserveAsync(HttpContext http)
    {
        var (body, error) = await Api.ReadAsync(http.Request, InventoryJsonContext.Default.ItemsRequest).ConfigureAwait(false);
        if (error is not null) return error;
        var (items, invalid) = Normalize(body!.Items);
        if (invalid is not null) return invalid;
        string? key = http.Request.Headers["Idempotency-Key"];
        if (key is { Length: > 200 }) return Api.BadRequest("Idempotency-Key", "at most 200 characters");
        DateTimeOffset now = _context.Time.GetUtcNow();
        ReserveOutcome outcome = await _store.ReserveAsync(items!, string.IsNullOrEmpty(key) ? null : key, now, now + _context.Options.ReservationTtl, http.RequestAborted).ConfigureAwait(false);
        switch (outcome.Status)
        {
            case ReserveStatus.Reserved:
                _context.Metrics.Event("reservation_created");
                return Api.Json(outcome.Reservation!, InventoryJsonContext.Default.Reservation, StatusCodes.Status201Created);
            case ReserveStatus.UnknownSku:
                return Api.NotFound("product", outcome.Sku!);
            default:
                _context.Metrics.Event("reservation_refused");
                return Api.Conflict($"not enough stock of {outcome.Sku}", "items");
        }
    }

    private async Task<IResult> ConfirmAsync(string reservationId, HttpContext http)
    {
        if (!Guid.TryParse(reservationId, out Guid id)) return Api.BadRequest("reservationId", "must be a UUID");
        TransitionOutcome outcome = await _store.ConfirmAsync(id, _context.Time.GetUtcNow(), http.RequestAborted).ConfigureAwait(false);
        return outcome.Status switch
        {
            TransitionStatus.Ok => Api.Json(outcome.Reservation!, InventoryJsonContext.Default.Reservation),
            TransitionStatus.NotFound => Api.NotFound("reservation", reservationId),
            _ => Api.Conflict($"reservation is {outcome.Reservation!.Status}, cannot confirm"),
        };
    }

    private async Task<IResult> ReleaseAsync(string reservationId, HttpContext http)
    {
        if (!Guid.TryParse(reservationId, out Guid id)) return Api.BadRequest("reservationId", "must be a UUID");
        TransitionOutcome outcome = await _store.ReleaseAsync(id, http.RequestAborted).ConfigureAwait(false);
        return outcome.Status == TransitionStatus.Ok
            ? Api.Json(outcome.Reservation!, InventoryJsonContext.Default.Reservation)
            : Api.NotFound("reservation", reservationId);
    }

    private async Task<IResult> SetStockAsync(string sku, HttpContext http)
    {
        var (body, error) = await Api.ReadAsync(http.Request, InventoryJsonContext.Default.StockUpdate).ConfigureAwait(false);
        if (error is not null) return error;
        if (body!.Stock is not { } stock || stock < 0) return Api.BadRequest("stock", "must be an integer >= 0");
        if (!await _store.SetStockAsync(sku, stock, http.RequestAborted).ConfigureAwait(false)) return Api.NotFound("product", sku);
        Product product = (await _store.GetAsync(sku, http.RequestAborted).ConfigureAwait(false))!;
        return Api.Json(product, InventoryJsonContext.Default.Product);
    }

    /// <summary>Validates lines (400 naming items[i].field) and merges repeats of a SKU; the result is sorted by SKU.</summary>
    internal static (IReadOnlyList<ItemQuantity>? Items, IResult? Error) Normalize(List<ItemQuantity>? items)
    {
        if (items is null || items.Count == 0) return (null, Api.BadRequest("items", "at least one item is required"));
        if (items.Count > InventoryService.MaxLines) return (null, Api.BadRequest("items", $"at most {InventoryService.MaxLines} items"));
        var merged = new SortedDictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < items.Count; i++)
        {
            ItemQuantity? item = items[i];
            if (item is null) return (null, Api.BadRequest($"items[{i}]", "must be an object"));
            if (string.IsNullOrWhiteSpace(item.Sku) || item.Sku.Length > 64) return (null, Api.BadRequest($"items[{i}].sku", "is required, at most 64 characters"));
            if (item.Quantity is < 1 or > 10_000) return (null, Api.BadRequest($"items[{i}].quantity", "must be between 1 and 10000"));
            merged[item.Sku] = merged.TryGetValue(item.Sku, out int q) ? q + item.Quantity : item.Quantity;
        }

        return (merged.Select(p => new ItemQuantity(p.Key, p.Value)).ToArray(), null);
    }

    private static bool TryInt(string? text, int fallback, out int value)
    {
        if (string.IsNullOrEmpty(text))
        {
            value = fallback;
            return true;
        }

        return int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out value);
    }
}

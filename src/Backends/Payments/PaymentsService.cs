using FastLb.Backends.Hosting;
using FastLb.Backends.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FastLb.Backends.Payments;

/// <summary>The payments service: charge (idempotent by key), read, refund; every attempt logged, never the card number.</summary>
internal static class PaymentsService
{
    /// <summary>Opens the store and maps the endpoints.</summary>
    public static async Task MapAsync(WebApplication app, BackendContext context, CancellationToken cancellationToken)
    {
        IPaymentStore store = context.Options.Postgres is { } cs
            ? new PostgresPaymentStore(context.Own(await PostgresDatabase.OpenAsync(cs, context.Options.PostgresSchema, "payments", PostgresPaymentStore.Migrations, cancellationToken).ConfigureAwait(false)))
            : new InMemoryPaymentStore();
        ILogger log = context.Loggers.CreateLogger("FastLb.Backends.Payments");
        var auth = new AuthFilter(context.Tokens);

        app.MapPost("/api/payments", Api.Handler(async http =>
        {
            Caller caller = Caller.Required(http);
            var (body, error) = await Api.ReadAsync(http.Request, PaymentsJsonContext.Default.PaymentRequest).ConfigureAwait(false);
            if (error is not null) return error;
            if (body!.Amount is not { } amount || amount <= 0 || decimal.Round(amount, 2) != amount) return Api.BadRequest("amount", "must be a positive amount with at most 2 decimals");
            string currency = body.Currency ?? "USD";
            if (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper)) return Api.BadRequest("currency", "must be a 3-letter upper-case ISO 4217 code");
            string card = (body.CardNumber ?? string.Empty).Replace(" ", string.Empty, StringComparison.Ordinal);
            if (!SimulatedGateway.IsValidCard(card)) return Api.BadRequest("cardNumber", "must be 12 to 19 digits passing the Luhn check");
            if (body.OrderId is { Length: > 100 }) return Api.BadRequest("orderId", "at most 100 characters");
            string? key = http.Request.Headers["Idempotency-Key"];
            if (key is { Length: > 200 }) return Api.BadRequest("Idempotency-Key", "at most 200 characters");

            DateTimeOffset now = context.Time.GetUtcNow();
            string? decline = SimulatedGateway.Decide(card, amount);
            var payment = new Payment(Guid.NewGuid(), body.OrderId, caller.UserId, amount, currency, card[^4..],
                decline is null ? Payment.Captured : Payment.Declined, decline, now, now,
                [new PaymentAttempt("charge", decline ?? "captured", now)]);
            var (stored, created) = await store.CreateAsync(payment, string.IsNullOrEmpty(key) ? null : key, http.RequestAborted).ConfigureAwait(false);
            if (created)
            {
                context.Metrics.Event(decline is null ? "payment_captured" : "payment_declined");
                log.LogInformation("charge {PaymentId} order {OrderId} amount {Amount} {Currency} card *{Last4}: {Result}",
                    stored.PaymentId, stored.OrderId, stored.Amount, stored.Currency, stored.CardLast4, decline ?? "captured");
            }

            return Api.Json(stored, PaymentsJsonContext.Default.Payment,
                stored.Status == Payment.Declined ? StatusCodes.Status402PaymentRequired : created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
        })).AddEndpointFilter(auth);

        // Void by idempotency key: for a caller that does not know whether its charge happened (a timeout). If the
        // charge landed, it is refunded; if it has not landed yet, a DECLINED "voided" tombstone takes the key, so the
        // late charge finds it and takes nothing.
        app.MapPost("/api/payments/void", Api.Handler(async http =>
        {
            Caller caller = Caller.Required(http);
            string? key = http.Request.Headers["Idempotency-Key"];
            if (string.IsNullOrEmpty(key) || key.Length > 200) return Api.BadRequest("Idempotency-Key", "the key of the charge to void is required");
            DateTimeOffset now = context.Time.GetUtcNow();
            var tombstone = new Payment(Guid.NewGuid(), null, caller.UserId, 0m, "USD", "0000", Payment.Declined, "voided", now, now, [new PaymentAttempt("void", "voided", now)]);
            var (stored, created) = await store.CreateAsync(tombstone, key, http.RequestAborted).ConfigureAwait(false);
            if (created)
            {
                context.Metrics.Event("payment_voided");
                log.LogInformation("void {Key}: no charge yet, tombstone {PaymentId}", key, stored.PaymentId);
                return Api.Json(stored, PaymentsJsonContext.Default.Payment);
            }

            if (stored.Status != Payment.Captured) return Api.Json(stored, PaymentsJsonContext.Default.Payment);
            var (_, refunded) = await store.RefundAsync(stored.PaymentId, now, http.RequestAborted).ConfigureAwait(false);
            context.Metrics.Event("payment_voided");
            log.LogInformation("void {Key}: refunded {PaymentId}", key, stored.PaymentId);
            return Api.Json(refunded!, PaymentsJsonContext.Default.Payment);
        })).AddEndpointFilter(auth);

        app.MapGet("/api/payments/{paymentId}", async (string paymentId, HttpContext http) =>
        {
            if (!Guid.TryParse(paymentId, out Guid id)) return Api.BadRequest("paymentId", "must be a UUID");
            Payment? p = await store.GetAsync(id, http.RequestAborted).ConfigureAwait(false);
            if (p is null) return Api.NotFound("payment", paymentId);
            return Caller.Required(http).MayActFor(p.UserId) ? Api.Json(p, PaymentsJsonContext.Default.Payment) : Api.Forbidden("not your payment");
        }).AddEndpointFilter(auth);

        app.MapPost("/api/payments/{paymentId}/refund", async (string paymentId, HttpContext http) =>
        {
            if (!Guid.TryParse(paymentId, out Guid id)) return Api.BadRequest("paymentId", "must be a UUID");
            Payment? p = await store.GetAsync(id, http.RequestAborted).ConfigureAwait(false);
            if (p is null) return Api.NotFound("payment", paymentId);
            if (!Caller.Required(http).MayActFor(p.UserId)) return Api.Forbidden("not your payment");
            var (status, refunded) = await store.RefundAsync(id, context.Time.GetUtcNow(), http.RequestAborted).ConfigureAwait(false);
            if (status == RefundStatus.Conflict) return Api.Conflict("a declined payment cannot be refunded");
            if (status == RefundStatus.NotFound) return Api.NotFound("payment", paymentId);
            context.Metrics.Event("payment_refund_requested");
            log.LogInformation("refund {PaymentId}: {Status}", id, refunded!.Status);
            return Api.Json(refunded!, PaymentsJsonContext.Default.Payment);
        }).AddEndpointFilter(auth);
    }
}

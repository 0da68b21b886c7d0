using FastLb.Backends.Hosting;
using FastLb.Backends.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FastLb.Backends.Notifications;

/// <summary>The notifications service: create (idempotent by event id; users for themselves, services and admins for anyone), list, status.</summary>
internal static class NotificationsService
{
    /// <summary>Opens the store and maps the endpoints.</summary>
    public static async Task MapAsync(WebApplication app, BackendContext context, CancellationToken cancellationToken)
    {
        INotificationStore store = context.Options.Postgres is { } cs
            ? new PostgresNotificationStore(context.Own(await PostgresDatabase.OpenAsync(cs, context.Options.PostgresSchema, "notifications", PostgresNotificationStore.Migrations, cancellationToken).ConfigureAwait(false)))
            : new InMemoryNotificationStore();
        var auth = new AuthFilter(context.Tokens);

        app.MapPost("/api/notifications", Api.Handler(async http =>
        {
            Caller caller = Caller.Required(http);
            var (body, error) = await Api.ReadAsync(http.Request, NotificationsJsonContext.Default.NotificationRequest).ConfigureAwait(false);
            if (error is not null) return error;
            string userId = body!.UserId ?? caller.UserId;
            if (userId.Length is 0 or > 100) return Api.BadRequest("userId", "must be 1 to 100 characters");
            if (!caller.MayActFor(userId)) return Api.Forbidden("only services and admins may notify other users");
            if (string.IsNullOrWhiteSpace(body.Type) || body.Type.Length > 50) return Api.BadRequest("type", "is required, at most 50 characters");
            string channel = body.Channel ?? "email";
            if (!Notification.Channels.Contains(channel, StringComparer.Ordinal)) return Api.BadRequest("channel", "must be email, sms or push");
            if (string.IsNullOrWhiteSpace(body.Subject) || body.Subject.Length > 200) return Api.BadRequest("subject", "is required, at most 200 characters");
            if (body.Body is null || body.Body.Length > 4000) return Api.BadRequest("body", "is required, at most 4000 characters");
            if (body.EventId is { Length: 0 or > 200 }) return Api.BadRequest("eventId", "must be 1 to 200 characters");

            DateTimeOffset now = context.Time.GetUtcNow();
            var n = new Notification(Guid.NewGuid(), userId, body.Type, channel, body.Subject, body.Body, "SENT", body.EventId, now, now);
            var (stored, created) = await store.CreateAsync(n, http.RequestAborted).ConfigureAwait(false);
            context.Metrics.Event(created ? "notification_sent" : "notification_duplicate");
            return Api.Json(stored, NotificationsJsonContext.Default.Notification, created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
        })).AddEndpointFilter(auth);

        app.MapGet("/api/notifications", Api.Handler(async http =>
        {
            Caller caller = Caller.Required(http);
            string? userId = http.Request.Query["userId"];
            if (string.IsNullOrEmpty(userId)) userId = caller.IsPrivileged ? null : caller.UserId;
            else if (!caller.MayActFor(userId)) return Api.Forbidden("only services and admins may list other users' notifications");
            string? limitText = http.Request.Query["limit"];
            int limit = 100;
            if (!string.IsNullOrEmpty(limitText) && (!int.TryParse(limitText, out limit) || limit is < 1 or > 1000)) return Api.BadRequest("limit", "must be an integer between 1 and 1000");
            IReadOnlyList<Notification> items = await store.ListAsync(userId, limit, http.RequestAborted).ConfigureAwait(false);
            return Api.Json(new NotificationList(items, items.Count), NotificationsJsonContext.Default.NotificationList);
        })).AddEndpointFilter(auth);

        app.MapPut("/api/notifications/{id}/status", async (string id, HttpContext http) =>
        {
            if (!Guid.TryParse(id, out Guid guid)) return Api.BadRequest("id", "must be a UUID");
            var (body, error) = await Api.ReadAsync(http.Request, NotificationsJsonContext.Default.StatusUpdate).ConfigureAwait(false);
            if (error is not null) return error;
            if (body!.Status is null || !Notification.Statuses.Contains(body.Status, StringComparer.Ordinal)) return Api.BadRequest("status", "must be PENDING, SENT, READ or FAILED");
            Notification? current = await store.GetAsync(guid, http.RequestAborted).ConfigureAwait(false);
            if (current is null) return Api.NotFound("notification", id);
            if (!Caller.Required(http).MayActFor(current.UserId)) return Api.Forbidden("not your notification");
            Notification? updated = await store.SetStatusAsync(guid, body.Status, context.Time.GetUtcNow(), http.RequestAborted).ConfigureAwait(false);
            return updated is null ? Api.NotFound("notification", id) : Api.Json(updated, NotificationsJsonContext.Default.Notification);
        }).AddEndpointFilter(auth);
    }
}

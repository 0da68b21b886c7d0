namespace FastLb.Backends.Notifications;

/// <summary>Answer of <c>GET /api/notifications</c>, newest first.</summary>
internal sealed record NotificationList(IReadOnlyList<Notification> Items, int Count);

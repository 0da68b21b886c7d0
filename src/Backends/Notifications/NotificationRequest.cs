namespace FastLb.Backends.Notifications;

/// <summary>Body of <c>POST /api/notifications</c>; with <see cref="EventId"/>, repeats create one notification.</summary>
internal sealed record NotificationRequest(string? UserId, string? Type, string? Channel, string? Subject, string? Body, string? EventId);

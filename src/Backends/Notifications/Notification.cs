namespace FastLb.Backends.Notifications;

/// <summary>A notification to a user; delivery is simulated, so a new one is SENT at once, and READ or FAILED later.</summary>
internal sealed record Notification(
    Guid NotificationId,
    string UserId,
    string Type,
    string Channel,
    string Subject,
    string Body,
    string Status,
    string? EventId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The statuses a notification may take.</summary>
    public static readonly string[] Statuses = ["PENDING", "SENT", "READ", "FAILED"];

    /// <summary>The channels a notification may use.</summary>
    public static readonly string[] Channels = ["email", "sms", "push"];
}

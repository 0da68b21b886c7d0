namespace FastLb.Backends.Notifications;

/// <summary>Body of a status change (notifications and orders).</summary>
internal sealed record StatusUpdate(string? Status);

namespace FastLb.Backends.Notifications;

/// <summary>Notifications, unique by event id when one is given.</summary>
internal interface INotificationStore
{
    /// <summary>Stores a notification; when its event id is already stored, returns that one and false.</summary>
    Task<(Notification Notification, bool Created)> CreateAsync(Notification notification, CancellationToken cancellationToken);

    /// <summary>Notifications of one user (or of everyone when null), newest first.</summary>
    Task<IReadOnlyList<Notification>> ListAsync(string? userId, int limit, CancellationToken cancellationToken);

    /// <summary>One notification, or null.</summary>
    Task<Notification?> GetAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Sets the status; null when unknown.</summary>
    Task<Notification?> SetStatusAsync(Guid id, string status, DateTimeOffset now, CancellationToken cancellationToken);
}

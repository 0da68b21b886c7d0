using System.Collections.Concurrent;

namespace FastLb.Backends.Notifications;

/// <summary>Notifications in process memory; the event-id index makes creation idempotent.</summary>
internal sealed class InMemoryNotificationStore : INotificationStore
{
    private readonly ConcurrentDictionary<Guid, Notification> _byId = new();
    private readonly ConcurrentDictionary<string, Guid> _byEvent = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public Task<(Notification Notification, bool Created)> CreateAsync(Notification notification, CancellationToken cancellationToken)
    {
        if (notification.EventId is { } eventId)
        {
            Guid id = _byEvent.GetOrAdd(eventId, notification.NotificationId);
            if (id != notification.NotificationId)
            {
                // The first creator adds the notification right after winning the index.
                SpinWait spin = default;
                Notification? existing;
                while (!_byId.TryGetValue(id, out existing)) spin.SpinOnce();
                return Task.FromResult((existing, false));
            }
        }

        _byId[notification.NotificationId] = notification;
        return Task.FromResult((notification, true));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Notification>> ListAsync(string? userId, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Notification>>(_byId.Values
            .Where(n => userId is null || n.UserId == userId)
            .OrderByDescending(n => n.CreatedAt).ThenBy(n => n.NotificationId)
            .Take(limit).ToArray());

    /// <inheritdoc />
    public Task<Notification?> GetAsync(Guid id, CancellationToken cancellationToken) => Task.FromResult(_byId.TryGetValue(id, out Notification? n) ? n : null);

    /// <inheritdoc />
    public Task<Notification?> SetStatusAsync(Guid id, string status, DateTimeOffset now, CancellationToken cancellationToken)
    {
        while (_byId.TryGetValue(id, out Notification? current))
        {
            Notification next = current with { Status = status, UpdatedAt = now };
            if (_byId.TryUpdate(id, next, current)) return Task.FromResult<Notification?>(next);
        }

        return Task.FromResult<Notification?>(null);
    }
}

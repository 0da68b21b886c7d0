using System.Collections.Concurrent;

namespace FastLb.Backends.Users;

/// <summary>Users in process memory; the e-mail index decides uniqueness atomically.</summary>
internal sealed class InMemoryUserStore : IUserStore
{
    private readonly ConcurrentDictionary<string, UserRecord> _byEmail = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, UserRecord> _byId = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public Task<bool> CreateAsync(UserRecord user, CancellationToken cancellationToken)
    {
        if (!_byEmail.TryAdd(user.Email, user)) return Task.FromResult(false);
        _byId[user.UserId] = user;
        return Task.FromResult(true);
    }

    /// <inheritdoc />
    public Task<UserRecord?> FindByEmailAsync(string email, CancellationToken cancellationToken) =>
        Task.FromResult(_byEmail.TryGetValue(email, out UserRecord? user) ? user : null);

    /// <inheritdoc />
    public Task<UserRecord?> GetAsync(string userId, CancellationToken cancellationToken) =>
        Task.FromResult(_byId.TryGetValue(userId, out UserRecord? user) ? user : null);
}

namespace FastLb.Backends.Users;

/// <summary>Users, unique by e-mail (case-insensitive).</summary>
internal interface IUserStore
{
    /// <summary>Adds a user; false when the e-mail is taken.</summary>
    Task<bool> CreateAsync(UserRecord user, CancellationToken cancellationToken);

    /// <summary>The user with this e-mail (any case), or null.</summary>
    Task<UserRecord?> FindByEmailAsync(string email, CancellationToken cancellationToken);

    /// <summary>The user with this id, or null.</summary>
    Task<UserRecord?> GetAsync(string userId, CancellationToken cancellationToken);
}

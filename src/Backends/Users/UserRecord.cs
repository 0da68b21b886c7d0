namespace FastLb.Backends.Users;

/// <summary>A stored user, with the PBKDF2 hash of the password.</summary>
internal sealed record UserRecord(string UserId, string Email, string Name, string PasswordHash, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt)
{
    /// <summary>The API view, without the hash.</summary>
    public UserView ToView() => new(UserId, Email, Name, Roles, CreatedAt);
}

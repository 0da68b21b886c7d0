namespace FastLb.Backends.Users;

/// <summary>A user as answered by the API: never the password hash.</summary>
internal sealed record UserView(string UserId, string Email, string Name, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt);

namespace FastLb.Backends.Users;

/// <summary>Body of <c>POST /api/users/register</c>.</summary>
internal sealed record RegisterRequest(string? Email, string? Password, string? Name);

namespace FastLb.Backends.Users;

/// <summary>Body of <c>POST /api/users/login</c>.</summary>
internal sealed record LoginRequest(string? Email, string? Password);

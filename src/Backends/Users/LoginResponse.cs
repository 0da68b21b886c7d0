namespace FastLb.Backends.Users;

/// <summary>Answer of a successful login: a bearer JWT and who it is for.</summary>
internal sealed record LoginResponse(string Token, DateTimeOffset ExpiresAt, UserView User);

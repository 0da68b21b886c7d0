using FastLb.Backends.Hosting;

namespace FastLb.Backends.Tests.Support;

/// <summary>Mints tokens with the shared test key, as the users service would.</summary>
internal static class Tokens
{
    private static readonly JwtTokens s_tokens = new(TestServers.JwtKey, TimeProvider.System);

    /// <summary>A customer token for <paramref name="userId"/>.</summary>
    public static string Customer(string userId = "user-1") => s_tokens.Issue(new Caller(userId, userId + "@shop.test", [Caller.CustomerRole]), TimeSpan.FromHours(1));

    /// <summary>An admin token.</summary>
    public static string Admin() => s_tokens.Issue(new Caller("admin-1", "admin@shop.test", [Caller.AdminRole]), TimeSpan.FromHours(1));

    /// <summary>A token signed with another key: must be refused.</summary>
    public static string Forged() => new JwtTokens("some-other-key-that-is-long-enough-000000", TimeProvider.System)
        .Issue(new Caller("user-1", "user-1@shop.test", [Caller.AdminRole]), TimeSpan.FromHours(1));
}

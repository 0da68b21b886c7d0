using FastLb.Backends.Hosting;
using FastLb.Backends.Tests.Support;

namespace FastLb.Backends.Tests.Hosting;

/// <summary>Token issue and validation, including the validated-token cache.</summary>
public sealed class JwtTokensTests
{
    private static readonly Caller s_ann = new("ann", "ann@shop.test", [Caller.CustomerRole, Caller.AdminRole]);

    [Fact]
    public void Validate_FreshToken_ReturnsCallerWithRoles()
    {
        var tokens = new JwtTokens(TestServers.JwtKey, TimeProvider.System);

        Caller? caller = tokens.Validate(tokens.Issue(s_ann, TimeSpan.FromMinutes(5)));

        Assert.NotNull(caller);
        Assert.Equal("ann", caller.UserId);
        Assert.Equal("ann@shop.test", caller.Email);
        Assert.True(caller.IsInRole(Caller.AdminRole));
    }

    [Fact]
    public void Validate_CachedTokenPastExpiry_IsRejected()
    {
        var time = new ManualTime(DateTimeOffset.UtcNow);
        var tokens = new JwtTokens(TestServers.JwtKey, time);
        string token = tokens.Issue(s_ann, TimeSpan.FromMinutes(5));

        Caller? before = tokens.Validate(token);
        time.Advance(TimeSpan.FromMinutes(6));
        Caller? after = tokens.Validate(token);

        Assert.NotNull(before);
        Assert.Null(after);
    }

    [Fact]
    public void Validate_TamperedOrForeignOrGarbage_IsRejected()
    {
        var tokens = new JwtTokens(TestServers.JwtKey, TimeProvider.System);
        string token = tokens.Issue(new Caller("bob", "bob@shop.test", [Caller.CustomerRole]), TimeSpan.FromMinutes(5));
        string[] parts = token.Split('.');
        string payload = System.Text.Encoding.UTF8.GetString(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"bob\"", "\"eve\"", StringComparison.Ordinal);
        string tampered = parts[0] + "." + Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(payload) + "." + parts[2];

        Assert.NotNull(tokens.Validate(token));
        Assert.Null(tokens.Validate(tampered));
        Assert.Null(tokens.Validate(Tokens.Forged()));
        Assert.Null(tokens.Validate("not.a.token"));
    }
}

using System.Security.Cryptography;
using System.Text;
using FastLb.Proxy.Configuration;
using FastLb.Proxy.Edge;
using FastLb.Proxy.Tests.Infrastructure;

namespace FastLb.Proxy.Tests.Edge;

public sealed class JwtValidatorTests
{
    private static readonly byte[] s_secret = Encoding.UTF8.GetBytes("another shared secret, thirty-two bytes or more");
    private static readonly DateTimeOffset s_now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private static JwtValidator Validator(params JwtKey[] keys) => new(new JwtConfig
    {
        Keys = keys.Length > 0 ? keys : [new JwtKey(null, JwtAlgorithm.HS256, s_secret, null)],
        Issuer = "https://issuer.test",
        Audience = "shop",
        ClockSkewSeconds = 0,
        RequiredRoles = [],
        RolesClaim = "groups",
        SubjectHeader = "X-Auth-Subject",
        RolesHeader = "X-Auth-Roles",
        Realm = "fastlb",
    });

    private static byte[] Bearer(string token) => Encoding.ASCII.GetBytes("Bearer " + token);

    [Fact]
    public void Validate_SameTokenTwice_SecondIsTheCachedIdentity()
    {
        JwtValidator validator = Validator();
        var claims = TestTokens.Claims(s_now);
        claims["groups"] = new[] { "a", "b" };
        byte[] token = Bearer(TestTokens.Hs256(s_secret, claims));

        Assert.Equal(AuthFailure.None, validator.Validate(token, s_now.ToUnixTimeSeconds(), out JwtIdentity? first));
        Assert.Equal(AuthFailure.None, validator.Validate(token, s_now.ToUnixTimeSeconds(), out JwtIdentity? second));

        Assert.Same(first, second);
        Assert.Equal("X-Auth-Subject: alice\r\nX-Auth-Roles: a,b\r\n", Encoding.ASCII.GetString(first!.ForwardedFields));
    }

    [Fact]
    public void Validate_KidSelectsTheKey_OtherKeysOfTheAlgorithmNotTried()
    {
        byte[] other = Encoding.UTF8.GetBytes("the second secret, also thirty-two bytes long");
        JwtValidator validator = Validator(new JwtKey("one", JwtAlgorithm.HS256, s_secret, null), new JwtKey("two", JwtAlgorithm.HS256, other, null));
        long now = s_now.ToUnixTimeSeconds();

        Assert.Equal(AuthFailure.None, validator.Validate(Bearer(TestTokens.Hs256(other, TestTokens.Claims(s_now), "two")), now, out _));
        Assert.Equal(AuthFailure.Signature, validator.Validate(Bearer(TestTokens.Hs256(other, TestTokens.Claims(s_now), "one")), now, out _));
        Assert.Equal(AuthFailure.None, validator.Validate(Bearer(TestTokens.Hs256(other, TestTokens.Claims(s_now))), now, out _));
        Assert.Equal(AuthFailure.UnknownKey, validator.Validate(Bearer(TestTokens.Hs256(other, TestTokens.Claims(s_now), "three")), now, out _));
    }

    [Fact]
    public void Validate_AudienceArrayContainingOurs_Accepted()
    {
        JwtValidator validator = Validator();
        string token = TestTokens.Hs256(s_secret, TestTokens.Claims(s_now, aud: new[] { "billing", "shop" }));

        Assert.Equal(AuthFailure.None, validator.Validate(Bearer(token), s_now.ToUnixTimeSeconds(), out _));
    }

    [Fact]
    public void Validate_CriticalHeaderOrNoAlg_RefusedForTheAlgorithm()
    {
        JwtValidator validator = Validator();
        var crit = TestTokens.Header("HS256");
        crit["crit"] = new[] { "exp" };
        var noAlg = new Dictionary<string, object> { ["typ"] = "JWT" };
        long now = s_now.ToUnixTimeSeconds();

        Assert.Equal(AuthFailure.Algorithm, validator.Validate(Bearer(TestTokens.Build(crit, TestTokens.Claims(s_now), i => HMACSHA256.HashData(s_secret, i))), now, out _));
        Assert.Equal(AuthFailure.Algorithm, validator.Validate(Bearer(TestTokens.Build(noAlg, TestTokens.Claims(s_now), i => HMACSHA256.HashData(s_secret, i))), now, out _));
    }

    [Theory]
    [InlineData("", "missing")]
    [InlineData("Basic YWxpY2U6cHc=", "missing")]
    [InlineData("Bearer", "missing")]
    [InlineData("Bearer a.b", "malformed")]
    [InlineData("Bearer a.b.c.d", "malformed")]
    [InlineData("Bearer !!.??.**", "malformed")]
    [InlineData("Bearer e30.e30.", "algorithm")]
    public void Validate_NotAToken_RefusedWithTheReason(string authorization, string expected)
    {
        Assert.Equal(expected, AuthFailures.Label(Validator().Validate(Encoding.ASCII.GetBytes(authorization), s_now.ToUnixTimeSeconds(), out JwtIdentity? identity)));
        Assert.Null(identity);
    }

    [Fact]
    public void Validate_SchemeAnyCase_Accepted()
    {
        string token = TestTokens.Hs256(s_secret, TestTokens.Claims(s_now));

        Assert.Equal(AuthFailure.None, Validator().Validate(Encoding.ASCII.GetBytes("bEARER  " + token), s_now.ToUnixTimeSeconds(), out _));
    }
}

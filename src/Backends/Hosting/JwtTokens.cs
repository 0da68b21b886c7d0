using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace FastLb.Backends.Hosting;

/// <summary>Issues and validates HS256 JWTs with the deployment's shared key; roles travel as "role" claims.</summary>
internal sealed class JwtTokens
{
    private const string Issuer = "fastlb";
    private const string Audience = "fastlb-backends";
    private readonly SymmetricSecurityKey _key;
    private readonly SigningCredentials _signing;
    private readonly TokenValidationParameters _validation;
    private readonly JwtSecurityTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TimeProvider _time;

    // Validated tokens, so that a token used for many calls (a saga makes five) is verified once: the key is the
    // whole signed token, so a hit proves the signature was checked. Bounded: cleared when full.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (Caller Caller, DateTime Expires)> _validated = new(StringComparer.Ordinal);
    private const int MaxCached = 10_000;

    /// <summary>Uses <paramref name="key"/> (UTF-8, at least 32 bytes) or, when null, a random per-process key.</summary>
    public JwtTokens(string? key, TimeProvider time)
    {
        _time = time;
        byte[] bytes = key is null ? RandomNumberGenerator.GetBytes(32) : Encoding.UTF8.GetBytes(key);
        _key = new SymmetricSecurityKey(bytes);
        _signing = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256);
        _validation = new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = Audience,
            IssuerSigningKey = _key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ClockSkew = TimeSpan.FromSeconds(5),
            NameClaimType = JwtRegisteredClaimNames.Sub,
            RoleClaimType = "role",
            LifetimeValidator = (notBefore, expires, _, _) =>
            {
                DateTime now = _time.GetUtcNow().UtcDateTime;
                return (notBefore is null || notBefore.Value <= now.AddSeconds(5)) && expires is not null && expires.Value > now.AddSeconds(-5);
            },
        };
    }

    /// <summary>A signed token for <paramref name="caller"/>, valid for <paramref name="lifetime"/>.</summary>
    public string Issue(Caller caller, TimeSpan lifetime)
    {
        DateTime now = _time.GetUtcNow().UtcDateTime;
        var claims = new List<Claim> { new(JwtRegisteredClaimNames.Sub, caller.UserId), new(JwtRegisteredClaimNames.Jti, Guid.NewGuid().ToString("N")) };
        if (caller.Email.Length > 0) claims.Add(new Claim(JwtRegisteredClaimNames.Email, caller.Email));
        foreach (string role in caller.Roles) claims.Add(new Claim("role", role));
        var token = new JwtSecurityToken(Issuer, Audience, claims, now, now + lifetime, _signing);
        return _handler.WriteToken(token);
    }

    /// <summary>The caller a token names, or null when it is malformed, forged or expired.</summary>
    public Caller? Validate(string token)
    {
        DateTime now = _time.GetUtcNow().UtcDateTime;
        if (_validated.TryGetValue(token, out var hit))
        {
            if (hit.Expires > now) return hit.Caller;
            _validated.TryRemove(token, out _);
            return null;
        }

        try
        {
            ClaimsPrincipal principal = _handler.ValidateToken(token, _validation, out SecurityToken validated);
            string? sub = principal.FindFirst(JwtRegisteredClaimNames.Sub)?.Value;
            if (string.IsNullOrEmpty(sub)) return null;
            string email = principal.FindFirst(JwtRegisteredClaimNames.Email)?.Value ?? string.Empty;
            var roles = principal.FindAll("role").Select(c => c.Value).ToArray();
            var caller = new Caller(sub, email, roles);
            if (_validated.Count >= MaxCached) _validated.Clear();
            _validated[token] = (caller, validated.ValidTo.AddSeconds(5));
            return caller;
        }
        catch (Exception e) when (e is SecurityTokenException or ArgumentException)
        {
            return null;
        }
    }
}

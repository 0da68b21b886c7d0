using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using FastLb.Proxy.Configuration;
using FastLb.Proxy.Edge;

namespace FastLb.Benchmarks.Edge;

/// <summary>One JWT check, one thread: a token already verified (the cache), and tokens seen for the first time (decode, signature, claims), HS256 and RS256.</summary>
/// <remarks>Guards every <c>// Hot path ... JwtValidatorBenchmarks</c>. Goal for a cached token: 0 B, well under a microsecond.</remarks>
[MemoryDiagnoser]
public class JwtValidatorBenchmarks
{
    // More distinct tokens than the cache holds, used in turn: each check of them misses the cache.
    private const int Fresh = 4 * JwtValidator.CacheSlots;
    private static readonly byte[] s_secret = Encoding.UTF8.GetBytes("a shared secret of at least thirty-two bytes");
    private JwtValidator _validator = null!;
    private byte[] _hsCached = null!;
    private byte[] _rsCached = null!;
    private byte[][] _hsFresh = null!;
    private byte[][] _rsFresh = null!;
    private long _now;
    private int _next;
    private int _failures;

    /// <summary>Makes the keys, the validator and the tokens.</summary>
    [GlobalSetup]
    public void Setup()
    {
        using RSA rsa = RSA.Create(2048);
        _now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        _validator = new JwtValidator(new JwtConfig
        {
            Keys = [new JwtKey("hs", JwtAlgorithm.HS256, s_secret, null), new JwtKey("rs", JwtAlgorithm.RS256, null, rsa.ExportParameters(false))],
            Issuer = "https://issuer.test",
            Audience = "shop",
            ClockSkewSeconds = 30,
            RequiredRoles = ["reader"],
            RolesClaim = "roles",
            SubjectHeader = "X-Auth-Subject",
            RolesHeader = "X-Auth-Roles",
            Realm = "fastlb",
        });
        _hsCached = Bearer(Token("HS256", "hs", 0, input => HMACSHA256.HashData(s_secret, input)));
        _rsCached = Bearer(Token("RS256", "rs", 0, input => rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)));
        _hsFresh = new byte[Fresh][];
        _rsFresh = new byte[Fresh][];
        for (int i = 0; i < Fresh; i++)
        {
            _hsFresh[i] = Bearer(Token("HS256", "hs", i + 1, input => HMACSHA256.HashData(s_secret, input)));
            _rsFresh[i] = Bearer(Token("RS256", "rs", i + 1, input => rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)));
        }
    }

    /// <summary>An HS256 token verified before: hash, compare, time and role checks.</summary>
    [Benchmark(Baseline = true)]
    public int CachedHs256() => Check(_hsCached);

    /// <summary>An RS256 token verified before.</summary>
    [Benchmark]
    public int CachedRs256() => Check(_rsCached);

    /// <summary>An HS256 token not in the cache: decoded, HMAC checked, claims read, identity made.</summary>
    [Benchmark]
    public int FreshHs256() => Check(_hsFresh[_next++ % Fresh]);

    /// <summary>An RS256 token not in the cache: decoded, RSA signature verified, claims read, identity made.</summary>
    [Benchmark]
    public int FreshRs256() => Check(_rsFresh[_next++ % Fresh]);

    /// <summary>Fails the run if any token was refused: a broken check must not look fast.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        if (_failures > 0)
        {
            throw new InvalidOperationException($"{_failures} tokens refused");
        }
    }

    private int Check(byte[] authorization)
    {
        AuthFailure failure = _validator.Validate(authorization, _now, out _);
        if (failure != AuthFailure.None)
        {
            _failures++;
        }

        return (int)failure;
    }

    private byte[] Token(string alg, string kid, int serial, Func<byte[], byte[]> sign)
    {
        string header = $$"""{"alg":"{{alg}}","typ":"JWT","kid":"{{kid}}"}""";
        string claims = $$"""{"sub":"user-{{serial}}","iss":"https://issuer.test","aud":"shop","roles":["reader","writer"],"iat":{{_now}},"exp":{{_now + 3600}}}""";
        string input = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header)) + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims));
        return Encoding.ASCII.GetBytes(input + "." + Base64Url.EncodeToString(sign(Encoding.ASCII.GetBytes(input))));
    }

    private static byte[] Bearer(byte[] token) => [.. "Bearer "u8, .. token];
}

using System.Security.Cryptography;
using System.Text;

namespace FastLb.Proxy.Configuration;

/// <summary>Checks a route's <c>rateLimit</c> and <c>jwt</c> sections for <see cref="ConfigValidator"/>; every problem names its field.</summary>
internal static class RouteEdgeValidator
{
    /// <summary>The largest <c>clientSlots</c>: 16M buckets are 128 MiB, more than any route should hold.</summary>
    public const int MaxClientSlots = 1 << 24;

    /// <summary>Validates <paramref name="options"/> (null: no limit) found at <paramref name="at"/>.</summary>
    public static RateLimitConfig? RateLimit(RateLimitOptions? options, string at, List<string> errors)
    {
        if (options is null)
        {
            return null;
        }

        if (options.PerClient is null && options.Route is null)
        {
            errors.Add($"{at}: set 'perClient', 'route' or both");
        }

        if (options.ClientSlots is < 64 or > MaxClientSlots)
        {
            errors.Add($"{at}.clientSlots: must be between 64 and {MaxClientSlots}, got {options.ClientSlots}");
        }

        TokenBucketConfig? perClient = Bucket(options.PerClient, $"{at}.perClient", errors);
        TokenBucketConfig? route = Bucket(options.Route, $"{at}.route", errors);
        int slots = (int)Math.Min(MaxClientSlots, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(64, options.ClientSlots)));
        return new RateLimitConfig(perClient, route, slots);
    }

    private static TokenBucketConfig? Bucket(TokenBucketOptions? options, string at, List<string> errors)
    {
        if (options is null)
        {
            return null;
        }

        // Below one token a day the bucket is a typo; above a million a second the microsecond
        // clock of the bucket cannot tell tokens apart.
        if (!double.IsFinite(options.Rate) || options.Rate < 1.0 / 86400 || options.Rate > 1_000_000)
        {
            errors.Add($"{at}.rate: must be a number of tokens per second between 1/86400 and 1000000, got {options.Rate}");
            return null;
        }

        int burst = options.Burst ?? (int)Math.Ceiling(options.Rate);
        if (burst is < 1 or > 1_000_000)
        {
            errors.Add($"{at}.burst: must be between 1 and 1000000, got {burst}");
            return null;
        }

        return new TokenBucketConfig(options.Rate, burst);
    }

    /// <summary>Validates <paramref name="options"/> (null: no check) found at <paramref name="at"/>, reading its JWKS file.</summary>
    public static JwtConfig? Jwt(JwtOptions? options, string at, List<string> errors)
    {
        if (options is null)
        {
            return null;
        }

        var keys = new List<JwtKey>();
        for (int i = 0; i < options.Keys.Count; i++)
        {
            JwtKey? key = Key(options.Keys[i], $"{at}.keys[{i}]", errors);
            if (key is not null)
            {
                keys.Add(key);
            }
        }

        int configKeys = keys.Count;
        if (!string.IsNullOrEmpty(options.JwksPath))
        {
            int before = keys.Count;
            int errorsBefore = errors.Count;
            JwksFile.Read(options.JwksPath, $"{at}.jwksPath", keys, errors);
            if (errors.Count == errorsBefore && keys.Count == before)
            {
                errors.Add($"{at}.jwksPath: '{options.JwksPath}' holds no RS256 or HS256 signing key");
            }
        }
        else if (options.Keys.Count == 0)
        {
            errors.Add($"{at}.keys: give at least one key, or a jwksPath");
        }

        if (options.ClockSkewSeconds is < 0 or > 600)
        {
            errors.Add($"{at}.clockSkewSeconds: must be between 0 and 600, got {options.ClockSkewSeconds}");
        }

        if (string.IsNullOrEmpty(options.RolesClaim))
        {
            errors.Add($"{at}.rolesClaim: required");
        }

        for (int i = 0; i < options.RequiredRoles.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.RequiredRoles[i]))
            {
                errors.Add($"{at}.requiredRoles[{i}]: must not be empty");
            }
        }

        HeaderName(options.SubjectHeader, $"{at}.subjectHeader", errors);
        HeaderName(options.RolesHeader, $"{at}.rolesHeader", errors);
        if (string.Equals(options.SubjectHeader, options.RolesHeader, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{at}.rolesHeader: must differ from subjectHeader");
        }

        if (string.IsNullOrEmpty(options.Realm) || options.Realm.Any(c => c is '"' or '\\' or < ' ' or > '~'))
        {
            errors.Add($"{at}.realm: must be printable ASCII without quotes or backslashes");
        }

        return new JwtConfig
        {
            Keys = keys,
            JwksPath = string.IsNullOrEmpty(options.JwksPath) ? null : options.JwksPath,
            ConfigKeyCount = configKeys,
            Issuer = options.Issuer,
            Audience = options.Audience,
            ClockSkewSeconds = options.ClockSkewSeconds,
            RequiredRoles = [.. options.RequiredRoles],
            RolesClaim = options.RolesClaim ?? "roles",
            SubjectHeader = options.SubjectHeader ?? "",
            RolesHeader = options.RolesHeader ?? "",
            Realm = options.Realm ?? "",
        };
    }

    private static JwtKey? Key(JwtKeyOptions key, string at, List<string> errors)
    {
        switch (key.Alg)
        {
            case "HS256":
                if (key.PublicKeyPem is not null)
                {
                    errors.Add($"{at}.publicKeyPem: an HS256 key takes a 'secret', not a public key");
                }

                byte[] secret = Encoding.UTF8.GetBytes(key.Secret ?? "");
                if (secret.Length < 32)
                {
                    // RFC 7518 3.2: the key must be at least as long as the hash output, 256 bits.
                    errors.Add($"{at}.secret: an HS256 secret must be at least 32 bytes, got {secret.Length}");
                    return null;
                }

                return new JwtKey(key.Kid, JwtAlgorithm.HS256, secret, null);
            case "RS256":
                if (key.Secret is not null)
                {
                    errors.Add($"{at}.secret: an RS256 key takes a 'publicKeyPem', not a secret");
                }

                if (string.IsNullOrWhiteSpace(key.PublicKeyPem))
                {
                    errors.Add($"{at}.publicKeyPem: required for RS256");
                    return null;
                }

                try
                {
                    using RSA rsa = RSA.Create();
                    rsa.ImportFromPem(key.PublicKeyPem);
                    if (rsa.KeySize < 2048)
                    {
                        errors.Add($"{at}.publicKeyPem: an RSA key must have at least 2048 bits, got {rsa.KeySize}");
                        return null;
                    }

                    return new JwtKey(key.Kid, JwtAlgorithm.RS256, null, rsa.ExportParameters(includePrivateParameters: false));
                }
                catch (Exception e) when (e is ArgumentException or CryptographicException)
                {
                    errors.Add($"{at}.publicKeyPem: not an RSA public key in PEM: {e.Message}");
                    return null;
                }

            default:
                errors.Add($"{at}.alg: must be 'HS256' or 'RS256', got '{key.Alg}'");
                return null;
        }
    }

    private static void HeaderName(string? name, string at, List<string> errors)
    {
        // RFC 9110 5.1: a field name is a token.
        if (string.IsNullOrEmpty(name) || !name.All(c => c < 128 && (char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c))))
        {
            errors.Add($"{at}: must be a header name (letters, digits, '-'), got '{name}'");
        }
        else if (s_reserved.Contains(name))
        {
            errors.Add($"{at}: '{name}' frames or routes the request; choose another header");
        }
    }

    // Fields the proxy frames, routes or forwards by: removing a client's copy of one would break the request.
    private static readonly HashSet<string> s_reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "host", "content-length", "transfer-encoding", "connection", "keep-alive", "proxy-connection", "te", "trailer",
        "upgrade", "expect", "authorization", "cookie", "x-forwarded-for", "x-forwarded-proto", "x-request-id",
    };
}

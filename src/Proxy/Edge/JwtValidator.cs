using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FastLb.Proxy.Configuration;

namespace FastLb.Proxy.Edge;

/// <summary>Verifies the bearer tokens of one route: JWS compact form (RFC 7515), HS256 or RS256, and the claims <c>iss</c>, <c>aud</c>, <c>exp</c>, <c>nbf</c> and roles (RFC 7519).</summary>
/// <remarks>
/// <para>A token that verifies is kept in a fixed cache of <see cref="CacheSlots"/> identities, keyed by
/// the whole token. A request with a cached token costs a hash of the token, one comparison and the
/// time checks, and allocates nothing; only the first request with a token decodes it, checks the
/// signature (an RSA verification costs tens of microseconds) and allocates its identity. Refused tokens
/// are not kept: the route's rate limit, checked first, bounds what a client can make us verify.</para>
/// <para>The token's <c>alg</c> must be the key's own: a key verifies only its algorithm, so an RSA public
/// key is never used as an HMAC secret, and <c>none</c> is never accepted.</para>
/// </remarks>
internal sealed class JwtValidator
{
    /// <summary>Identities cached per route (a power of two).</summary>
    public const int CacheSlots = 1024;

    /// <summary>The longest token looked at; longer ones are malformed.</summary>
    public const int MaxTokenBytes = 8192;

    private readonly JwtIdentity?[] _cache = new JwtIdentity?[CacheSlots];
    private readonly byte[][] _challenges;
    private readonly byte[] _subjectName;
    private readonly byte[] _rolesName;
    private JwtKeySet _keys;
    private DateTime _jwksWritten;
    private DateTime _jwksRefused;

    /// <summary>Makes the validator of <paramref name="config"/>.</summary>
    public JwtValidator(JwtConfig config)
    {
        Config = config;
        _keys = new JwtKeySet(config.Keys);
        _jwksWritten = JwksWriteTime(config.JwksPath);
        _subjectName = Encoding.ASCII.GetBytes(config.SubjectHeader);
        _rolesName = Encoding.ASCII.GetBytes(config.RolesHeader);
        _challenges = new byte[Enum.GetValues<AuthFailure>().Length][];
        foreach (AuthFailure failure in AuthFailures.All)
        {
            // RFC 6750 3: no error code when no token came; invalid_token for a bad one; insufficient_scope for a missing role.
            string challenge = failure switch
            {
                AuthFailure.Missing => $"Bearer realm=\"{config.Realm}\"",
                AuthFailure.Role => $"Bearer realm=\"{config.Realm}\", error=\"insufficient_scope\"",
                _ => $"Bearer realm=\"{config.Realm}\", error=\"invalid_token\", error_description=\"{AuthFailures.Label(failure)}\"",
            };
            _challenges[(int)failure] = Encoding.ASCII.GetBytes($"WWW-Authenticate: {challenge}\r\n");
        }
    }

    /// <summary>The config this validator checks by.</summary>
    public JwtConfig Config { get; }

    /// <summary>The keys in use.</summary>
    public JwtKeySet Keys => Volatile.Read(ref _keys);

    /// <summary>The header whose value carries the subject to the backend (a client's copy is removed).</summary>
    public ReadOnlySpan<byte> SubjectHeader => _subjectName;

    /// <summary>The header whose value carries the roles to the backend (a client's copy is removed).</summary>
    public ReadOnlySpan<byte> RolesHeader => _rolesName;

    /// <summary>The <c>WWW-Authenticate</c> line (with CRLF) of a refusal for <paramref name="failure"/>.</summary>
    public byte[] Challenge(AuthFailure failure) => _challenges[(int)failure];

    /// <summary>Checks the value of an <c>Authorization</c> header (empty when the request had none) at <paramref name="nowUnixSeconds"/>.</summary>
    /// <param name="authorization">The header value, e.g. <c>Bearer eyJ...</c>.</param>
    /// <param name="nowUnixSeconds">The time the claims are checked at.</param>
    /// <param name="identity">The token's identity when it verified (also on <see cref="AuthFailure.Role"/>).</param>
    /// <returns><see cref="AuthFailure.None"/> when the request may go on.</returns>
    /// <remarks>Hot path for a cached token: guarded by JwtValidatorBenchmarks; a hash, a comparison, no allocation.</remarks>
    public AuthFailure Validate(ReadOnlySpan<byte> authorization, long nowUnixSeconds, out JwtIdentity? identity)
    {
        identity = null;
        ReadOnlySpan<byte> token = BearerToken(authorization);
        if (token.IsEmpty)
        {
            return AuthFailure.Missing;
        }

        if (token.Length > MaxTokenBytes)
        {
            return AuthFailure.Malformed;
        }

        // The cache slot comes from the token's last 32 bytes (signature bytes, which differ between any
        // two tokens a key signed) and its length; the whole token is compared before a hit counts.
        // Hashing all of a 300-800 byte token cost most of a cached check.
        var hasher = default(HashCode);
        hasher.AddBytes(token[Math.Max(0, token.Length - 32)..]);
        hasher.Add(token.Length);
        int hash = hasher.ToHashCode();
        ref JwtIdentity? slot = ref _cache[hash & (CacheSlots - 1)];
        JwtIdentity? cached = Volatile.Read(ref slot);
        JwtKeySet keys = Keys;
        if (cached is null || cached.Hash != hash || !ReferenceEquals(cached.Keys, keys) || !token.SequenceEqual(cached.Token))
        {
            AuthFailure failure = Verify(token, hash, keys, out cached);
            if (failure != AuthFailure.None)
            {
                return failure;
            }

            Volatile.Write(ref slot, cached);
        }

        int skew = Config.ClockSkewSeconds;
        if (nowUnixSeconds > cached!.Expires + skew)
        {
            return AuthFailure.Expired;
        }

        if (cached.NotBefore != long.MinValue && cached.NotBefore > nowUnixSeconds + skew)
        {
            return AuthFailure.NotYetValid;
        }

        identity = cached;
        return cached.HasRequiredRoles ? AuthFailure.None : AuthFailure.Role;
    }

    /// <summary>The token of a <c>Bearer</c> credential (RFC 6750 2.1; the scheme is case-insensitive, RFC 9110 11.1); empty for another scheme or none.</summary>
    internal static ReadOnlySpan<byte> BearerToken(ReadOnlySpan<byte> authorization)
    {
        authorization = authorization.Trim((byte)' ');
        if (authorization.Length <= 7 || !Ascii.EqualsIgnoreCase(authorization[..6], "Bearer"u8) || authorization[6] != (byte)' ')
        {
            return default;
        }

        return authorization[7..].TrimStart((byte)' ');
    }

    /// <summary>Reads the JWKS file again if it was written since it was last read; false when it could not be read (the keys in use stay).</summary>
    /// <remarks>Called from a timer, never from a request. The keys of the config stay first.</remarks>
    public bool RefreshJwks(List<string> errors)
    {
        string? path = Config.JwksPath;
        if (path is null)
        {
            return true;
        }

        DateTime written = JwksWriteTime(path);
        if (written == _jwksWritten || written == _jwksRefused)
        {
            return true;
        }

        var keys = new List<JwtKey>();
        for (int i = 0; i < Config.ConfigKeyCount; i++)
        {
            keys.Add(Config.Keys[i]);
        }

        int errorsBefore = errors.Count;
        JwksFile.Read(path, path, keys, errors);
        if (errors.Count > errorsBefore || keys.Count == Config.ConfigKeyCount)
        {
            if (errors.Count == errorsBefore)
            {
                errors.Add($"{path}: holds no RS256 or HS256 signing key");
            }

            // Not tried again until the file is written again: one log line per bad version.
            _jwksRefused = written;
            return false;
        }

        _jwksWritten = written;

        // Cached identities name the key set that verified them, so from this write on every token
        // verifies again against the new keys, even one cached by a request that read the old set.
        Volatile.Write(ref _keys, new JwtKeySet(keys));
        return true;
    }

    private static DateTime JwksWriteTime(string? path) => path is null ? default : File.GetLastWriteTimeUtc(path);

    private AuthFailure Verify(ReadOnlySpan<byte> token, int hash, JwtKeySet keys, out JwtIdentity? identity)
    {
        identity = null;
        int first = token.IndexOf((byte)'.');
        int second = first < 0 ? -1 : token[(first + 1)..].IndexOf((byte)'.');
        if (first <= 0 || second <= 0)
        {
            return AuthFailure.Malformed;
        }

        second += first + 1;
        if (token[(second + 1)..].IndexOf((byte)'.') >= 0)
        {
            return AuthFailure.Malformed;
        }

        byte[]? header = Decode(token[..first]);
        byte[]? payload = Decode(token[(first + 1)..second]);
        byte[]? signature = Decode(token[(second + 1)..]);
        if (header is null || payload is null || signature is null)
        {
            return AuthFailure.Malformed;
        }

        // The header first: an unsecured token (alg none, empty signature) is refused for its algorithm.
        AuthFailure failure = ReadHeader(header, out JwtAlgorithm alg, out byte[]? kid);
        if (failure != AuthFailure.None)
        {
            return failure;
        }

        if (signature.Length == 0)
        {
            return AuthFailure.Signature;
        }

        failure = CheckSignature(keys, token[..second], signature, alg, kid);
        if (failure != AuthFailure.None)
        {
            return failure;
        }

        return ReadClaims(payload, token, hash, keys, out identity);
    }

    private static byte[]? Decode(ReadOnlySpan<byte> part)
    {
        byte[] bytes = new byte[Base64Url.GetMaxDecodedLength(part.Length)];
        OperationStatus status = Base64Url.DecodeFromUtf8(part, bytes, out int consumed, out int written);
        return status == OperationStatus.Done && consumed == part.Length ? bytes[..written] : null;
    }

    private static AuthFailure ReadHeader(byte[] header, out JwtAlgorithm alg, out byte[]? kid)
    {
        alg = default;
        kid = null;
        bool hasAlg = false;
        try
        {
            var reader = new Utf8JsonReader(header);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return AuthFailure.Malformed;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("alg"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return AuthFailure.Malformed;
                    }

                    if (reader.ValueTextEquals("HS256"u8))
                    {
                        alg = JwtAlgorithm.HS256;
                    }
                    else if (reader.ValueTextEquals("RS256"u8))
                    {
                        alg = JwtAlgorithm.RS256;
                    }
                    else
                    {
                        return AuthFailure.Algorithm;
                    }

                    hasAlg = true;
                }
                else if (reader.ValueTextEquals("kid"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return AuthFailure.Malformed;
                    }

                    kid = Encoding.UTF8.GetBytes(reader.GetString()!);
                }
                else if (reader.ValueTextEquals("crit"u8))
                {
                    // RFC 7515 4.1.11: extensions we do not understand must make the token invalid.
                    return AuthFailure.Algorithm;
                }
                else
                {
                    // On a property name, Skip passes over its value, however nested.
                    reader.Skip();
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return AuthFailure.Malformed;
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return AuthFailure.Malformed;
        }

        return hasAlg ? AuthFailure.None : AuthFailure.Algorithm;
    }

    private static AuthFailure CheckSignature(JwtKeySet keys, ReadOnlySpan<byte> signingInput, byte[] signature, JwtAlgorithm alg, byte[]? kid)
    {
        bool anyKey = false;
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        foreach (JwtKeySet.Entry key in keys.Entries)
        {
            if (key.Alg != alg || (kid is not null && key.Kid is not null && !kid.AsSpan().SequenceEqual(key.Kid)))
            {
                continue;
            }

            // A token naming a key id is checked only by that key (or by keys that name none).
            anyKey = true;
            if (alg == JwtAlgorithm.HS256)
            {
                HMACSHA256.HashData(key.Secret, signingInput, mac);
                if (CryptographicOperations.FixedTimeEquals(mac, signature))
                {
                    return AuthFailure.None;
                }
            }
            else if (key.Rsa!.VerifyData(signingInput, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            {
                return AuthFailure.None;
            }
        }

        return anyKey ? AuthFailure.Signature : AuthFailure.UnknownKey;
    }

    private AuthFailure ReadClaims(byte[] payload, ReadOnlySpan<byte> token, int hash, JwtKeySet keys, out JwtIdentity? identity)
    {
        identity = null;
        string? issuer = null;
        bool audienceFound = Config.Audience is null;
        long expires = long.MinValue;
        long notBefore = long.MinValue;
        string? subject = null;
        var roles = new List<string>();
        try
        {
            var reader = new Utf8JsonReader(payload);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return AuthFailure.Malformed;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                reader.Read();
                switch (name)
                {
                    case "iss":
                        issuer = Text(ref reader);
                        break;
                    case "sub":
                        subject = Text(ref reader);
                        break;
                    case "exp":
                        expires = Seconds(ref reader);
                        break;
                    case "nbf":
                        notBefore = Seconds(ref reader);
                        break;
                    case "aud":
                        audienceFound |= Contains(ref reader, Config.Audience, null);
                        break;
                    default:
                        if (name == Config.RolesClaim)
                        {
                            roles.Clear();
                            Contains(ref reader, null, roles);
                        }
                        else
                        {
                            reader.Skip();
                        }

                        break;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return AuthFailure.Malformed;
            }
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            return AuthFailure.Malformed;
        }

        if (Config.Issuer is not null && issuer != Config.Issuer)
        {
            return AuthFailure.Issuer;
        }

        if (!audienceFound)
        {
            return AuthFailure.Audience;
        }

        if (expires == long.MinValue)
        {
            return AuthFailure.NoExpiry;
        }

        // What reaches the backend in a header must not be able to end the line or the head.
        if ((subject is not null && !FitsHeader(subject)) || roles.Exists(r => !FitsHeader(r) || r.Contains(',')))
        {
            return AuthFailure.Malformed;
        }

        bool hasRoles = true;
        foreach (string required in Config.RequiredRoles)
        {
            hasRoles &= roles.Contains(required);
        }

        var fields = new StringBuilder();
        if (subject is not null)
        {
            fields.Append(Config.SubjectHeader).Append(": ").Append(subject).Append("\r\n");
        }

        if (roles.Count > 0)
        {
            fields.Append(Config.RolesHeader).Append(": ").AppendJoin(',', roles).Append("\r\n");
        }

        identity = new JwtIdentity(token.ToArray(), hash, keys, expires, notBefore, hasRoles, Encoding.UTF8.GetBytes(fields.ToString()));
        return AuthFailure.None;
    }

    private static string Text(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new FormatException("not a string");

    // NumericDate (RFC 7519 2): seconds, possibly with a fraction.
    private static long Seconds(ref Utf8JsonReader reader) =>
        reader.TokenType != JsonTokenType.Number ? throw new FormatException("not a number")
        : reader.TryGetInt64(out long whole) ? whole
        : (long)Math.Floor(Math.Clamp(reader.GetDouble(), long.MinValue / 2, long.MaxValue / 2));

    // A string or an array of strings: true when it holds want; each string also added to into.
    private static bool Contains(ref Utf8JsonReader reader, string? want, List<string>? into)
    {
        bool found = false;
        if (reader.TokenType == JsonTokenType.String)
        {
            string value = reader.GetString()!;
            if (into is not null)
            {
                // A single string of roles is space-separated, as OAuth's scope claim is.
                into.AddRange(value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
            }

            return value == want;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new FormatException("not a string or an array of strings");
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            string value = Text(ref reader);
            found |= value == want;
            into?.Add(value);
        }

        return found;
    }

    // RFC 9110 5.5: visible characters, spaces and obs-text; no control character.
    private static bool FitsHeader(string value)
    {
        foreach (char c in value)
        {
            if (c < ' ' || c == '\u007f')
            {
                return false;
            }
        }

        return value.Length > 0 && value[0] != ' ' && value[^1] != ' ';
    }
}

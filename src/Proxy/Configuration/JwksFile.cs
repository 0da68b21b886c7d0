using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace FastLb.Proxy.Configuration;

/// <summary>Reads the signing keys of a JWKS file (RFC 7517): <c>RSA</c> keys for RS256 and <c>oct</c> keys for HS256.</summary>
/// <remarks>Keys of other types (EC, OKP) and keys whose <c>use</c> is not <c>sig</c> are skipped, as an
/// identity provider's set may hold them; a key of a kept type that cannot be read is an error.</remarks>
internal static class JwksFile
{
    /// <summary>Reads <paramref name="path"/>; adds its keys to <paramref name="keys"/>, or one line per problem to <paramref name="errors"/>, each starting with <paramref name="field"/>.</summary>
    public static void Read(string path, string field, List<JwtKey> keys, List<string> errors)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add($"{field}: cannot read '{path}': {e.Message}");
            return;
        }

        Parse(bytes, field, keys, errors);
    }

    /// <summary>Parses JWKS text; adds its keys to <paramref name="keys"/> or errors naming <paramref name="field"/>.</summary>
    public static void Parse(ReadOnlySpan<byte> json, string field, List<JwtKey> keys, List<string> errors)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray());
        }
        catch (JsonException e)
        {
            errors.Add($"{field}: not a JWKS document: {e.Message}");
            return;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("keys", out JsonElement list)
                || list.ValueKind != JsonValueKind.Array)
            {
                errors.Add($"{field}: not a JWKS document: no 'keys' array");
                return;
            }

            int i = 0;
            foreach (JsonElement key in list.EnumerateArray())
            {
                ReadKey(key, $"{field} keys[{i++}]", keys, errors);
            }
        }
    }

    private static void ReadKey(JsonElement key, string at, List<JwtKey> keys, List<string> errors)
    {
        if (key.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{at}: not an object");
            return;
        }

        string? kty = Text(key, "kty");
        string? use = Text(key, "use");
        string? alg = Text(key, "alg");
        string? kid = Text(key, "kid");
        if (use is not null && use != "sig")
        {
            return;
        }

        switch (kty)
        {
            case "RSA" when alg is null or "RS256":
                byte[]? n = Bytes(key, "n") is { } modulus ? TrimLeadingZeros(modulus) : null;
                byte[]? e = Bytes(key, "e");
                if (n is null || e is null || n.Length < 256)
                {
                    errors.Add($"{at}: an RSA key needs base64url 'n' (at least 2048 bits) and 'e'");
                    return;
                }

                keys.Add(new JwtKey(kid, JwtAlgorithm.RS256, null, new RSAParameters { Modulus = n, Exponent = e }));
                return;
            case "oct" when alg is null or "HS256":
                byte[]? k = Bytes(key, "k");
                if (k is null || k.Length < 32)
                {
                    errors.Add($"{at}: an oct key needs base64url 'k' of at least 32 bytes");
                    return;
                }

                keys.Add(new JwtKey(kid, JwtAlgorithm.HS256, k, null));
                return;
        }
    }

    private static string? Text(JsonElement key, string name) =>
        key.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static byte[]? Bytes(JsonElement key, string name)
    {
        string? text = Text(key, name);
        if (text is null)
        {
            return null;
        }

        byte[] buffer = new byte[Base64Url.GetMaxDecodedLength(text.Length)];
        return Base64Url.TryDecodeFromChars(text, buffer, out int written) && written > 0 ? buffer[..written] : null;
    }

    // RFC 7518 6.3.1.1 forbids a leading zero octet in n, yet some publishers add one; RSA import wants it gone.
    private static byte[] TrimLeadingZeros(byte[] value)
    {
        int start = 0;
        while (start < value.Length - 1 && value[start] == 0)
        {
            start++;
        }

        return start == 0 ? value : value[start..];
    }
}

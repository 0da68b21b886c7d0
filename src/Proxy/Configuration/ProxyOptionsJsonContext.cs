using System.Text.Json;
using System.Text.Json.Serialization;

namespace FastLb.Proxy.Configuration;

/// <summary>Source-generated JSON binding of the config file: camelCase, unknown fields refused.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(ProxyOptions))]
internal sealed partial class ProxyOptionsJsonContext : JsonSerializerContext;

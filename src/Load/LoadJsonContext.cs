using System.Text.Json.Serialization;

namespace FastLb.Load;

/// <summary>Source-generated JSON contracts of the mix file (camelCase, unknown fields refused).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip)]
[JsonSerializable(typeof(MixFile))]
internal sealed partial class LoadJsonContext : JsonSerializerContext;

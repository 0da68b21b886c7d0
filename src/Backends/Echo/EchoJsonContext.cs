using System.Text.Json;
using System.Text.Json.Serialization;

namespace FastLb.Backends.Echo;

/// <summary>Source-generated JSON contract of the echo service's answer (camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(EchoBody))]
internal sealed partial class EchoJsonContext : JsonSerializerContext;

using System.Text.Json;
using System.Text.Json.Serialization;

namespace FastLb.Backends.Hosting;

/// <summary>Source-generated JSON contracts of the bodies every service shares: problems, /health (snake_case names of docs/FORMATS.md), /admin/faults (camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(Problem))]
[JsonSerializable(typeof(HealthBody))]
[JsonSerializable(typeof(FaultsBody))]
internal sealed partial class HostingJsonContext : JsonSerializerContext;

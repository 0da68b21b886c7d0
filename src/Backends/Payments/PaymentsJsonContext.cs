using System.Text.Json;
using System.Text.Json.Serialization;

namespace FastLb.Backends.Payments;

/// <summary>Source-generated JSON contracts of the payments service's bodies (camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(PaymentRequest))]
[JsonSerializable(typeof(Payment))]
internal sealed partial class PaymentsJsonContext : JsonSerializerContext;

using System.Text.Json;
using System.Text.Json.Serialization;

namespace FastLb.Backends.Cart;

/// <summary>Source-generated JSON contracts of the cart service's bodies (camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(CartView))]
[JsonSerializable(typeof(CartItemRequest))]
[JsonSerializable(typeof(MergeRequest))]
internal sealed partial class CartJsonContext : JsonSerializerContext;

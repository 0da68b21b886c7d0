using System.Text.Json;
using System.Text.Json.Serialization;

namespace FastLb.Backends.Orders;

/// <summary>Source-generated JSON contracts of the orders service's bodies and of the order lines stored as JSON (camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(CreateOrderRequest))]
[JsonSerializable(typeof(Order))]
[JsonSerializable(typeof(OrderList))]
[JsonSerializable(typeof(IReadOnlyList<OrderLine>))]
internal sealed partial class OrdersJsonContext : JsonSerializerContext;

using System.Text.Json;
using System.Text.Json.Serialization;

namespace FastLb.Backends.Inventory;

/// <summary>Source-generated JSON contracts of the inventory service's bodies (camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(Product))]
[JsonSerializable(typeof(ProductPage))]
[JsonSerializable(typeof(ItemsRequest))]
[JsonSerializable(typeof(Reservation))]
[JsonSerializable(typeof(CheckResult))]
[JsonSerializable(typeof(StockUpdate))]
internal sealed partial class InventoryJsonContext : JsonSerializerContext;

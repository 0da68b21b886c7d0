using System.Text.Json;
using System.Text.Json.Serialization;
using FastLb.Backends.Echo;
using FastLb.Backends.Inventory;
using FastLb.Backends.Payments;

namespace FastLb.Backends.Hosting;

/// <summary>Source-generated JSON contracts of every body the services read or write (camelCase; /health uses DESIGN.md's snake_case names).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(Problem))]
[JsonSerializable(typeof(HealthBody))]
[JsonSerializable(typeof(FaultsBody))]
[JsonSerializable(typeof(EchoBody))]
[JsonSerializable(typeof(Product))]
[JsonSerializable(typeof(ProductPage))]
[JsonSerializable(typeof(ItemsRequest))]
[JsonSerializable(typeof(Reservation))]
[JsonSerializable(typeof(CheckResult))]
[JsonSerializable(typeof(StockUpdate))]
[JsonSerializable(typeof(PaymentRequest))]
[JsonSerializable(typeof(Payment))]
internal sealed partial class BackendJsonContext : JsonSerializerContext;

using System.Text.Json;
using System.Text.Json.Serialization;
using FastLb.Backends.Cart;
using FastLb.Backends.Echo;
using FastLb.Backends.Inventory;
using FastLb.Backends.Notifications;
using FastLb.Backends.Orders;
using FastLb.Backends.Payments;
using FastLb.Backends.Users;

namespace FastLb.Backends.Hosting;

/// <summary>Source-generated JSON contracts of every body the services read or write (camelCase; /health uses the snake_case names of docs/FORMATS.md).</summary>
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
[JsonSerializable(typeof(RegisterRequest))]
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(UserView))]
[JsonSerializable(typeof(LoginResponse))]
[JsonSerializable(typeof(CartView))]
[JsonSerializable(typeof(CartItemRequest))]
[JsonSerializable(typeof(MergeRequest))]
[JsonSerializable(typeof(NotificationRequest))]
[JsonSerializable(typeof(Notification))]
[JsonSerializable(typeof(NotificationList))]
[JsonSerializable(typeof(StatusUpdate))]
[JsonSerializable(typeof(CreateOrderRequest))]
[JsonSerializable(typeof(Order))]
[JsonSerializable(typeof(OrderList))]
[JsonSerializable(typeof(IReadOnlyList<OrderLine>))]
internal sealed partial class BackendJsonContext : JsonSerializerContext;

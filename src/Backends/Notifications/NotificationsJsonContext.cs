using System.Text.Json;
using System.Text.Json.Serialization;

namespace FastLb.Backends.Notifications;

/// <summary>Source-generated JSON contracts of the notifications service's bodies (camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(NotificationRequest))]
[JsonSerializable(typeof(Notification))]
[JsonSerializable(typeof(NotificationList))]
[JsonSerializable(typeof(StatusUpdate))]
internal sealed partial class NotificationsJsonContext : JsonSerializerContext;

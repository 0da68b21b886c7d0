using System.Text.Json;
using System.Text.Json.Serialization;

namespace FastLb.Backends.Users;

/// <summary>Source-generated JSON contracts of the users service's bodies (camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(RegisterRequest))]
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(UserView))]
[JsonSerializable(typeof(LoginResponse))]
internal sealed partial class UsersJsonContext : JsonSerializerContext;

using Microsoft.AspNetCore.Http;

namespace FastLb.Backends.Hosting;

/// <summary>Who sent a request, from a validated JWT.</summary>
/// <param name="UserId">The token subject.</param>
/// <param name="Email">The e-mail claim, may be empty for service tokens.</param>
/// <param name="Roles">Role claims: customer, admin, service.</param>
internal sealed record Caller(string UserId, string Email, IReadOnlyList<string> Roles)
{
    /// <summary>Role of ordinary users.</summary>
    public const string CustomerRole = "customer";

    /// <summary>Role of administrators.</summary>
    public const string AdminRole = "admin";

    /// <summary>Role of service-to-service calls (the outbox relay).</summary>
    public const string ServiceRole = "service";

    private const string ItemKey = "fastlb.caller";

    /// <summary>Whether the caller holds <paramref name="role"/>.</summary>
    public bool IsInRole(string role) => Roles.Contains(role, StringComparer.Ordinal);

    /// <summary>Admins and services may act on any user's data.</summary>
    public bool IsPrivileged => IsInRole(AdminRole) || IsInRole(ServiceRole);

    /// <summary>Whether the caller may act on <paramref name="userId"/>'s data.</summary>
    public bool MayActFor(string userId) => IsPrivileged || string.Equals(UserId, userId, StringComparison.Ordinal);

    /// <summary>The caller stored by <see cref="AuthFilter"/>, or null on anonymous endpoints.</summary>
    public static Caller? Of(HttpContext context) => context.Items.TryGetValue(ItemKey, out var value) ? value as Caller : null;

    /// <summary>The caller of an endpoint behind <see cref="AuthFilter"/>.</summary>
    public static Caller Required(HttpContext context) => Of(context) ?? throw new InvalidOperationException("endpoint lacks AuthFilter");

    /// <summary>Stores the caller for the handler.</summary>
    public static void Set(HttpContext context, Caller caller) => context.Items[ItemKey] = caller;
}

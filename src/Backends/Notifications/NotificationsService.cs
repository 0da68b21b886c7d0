using FastLb.Backends.Hosting;
using Microsoft.AspNetCore.Builder;

namespace FastLb.Backends.Notifications;

/// <summary>The notifications service.</summary>
internal static class NotificationsService
{
    /// <summary>Opens the stores and maps the endpoints.</summary>
    public static Task MapAsync(WebApplication app, BackendContext context, CancellationToken cancellationToken) => Task.CompletedTask;
}

using FastLb.Backends.Hosting;
using Microsoft.AspNetCore.Builder;

namespace FastLb.Backends.Orders;

/// <summary>The orders service.</summary>
internal static class OrdersService
{
    /// <summary>Opens the stores and maps the endpoints.</summary>
    public static Task MapAsync(WebApplication app, BackendContext context, CancellationToken cancellationToken) => Task.CompletedTask;
}

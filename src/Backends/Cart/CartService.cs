using FastLb.Backends.Hosting;
using Microsoft.AspNetCore.Builder;

namespace FastLb.Backends.Cart;

/// <summary>The cart service.</summary>
internal static class CartService
{
    /// <summary>Opens the stores and maps the endpoints.</summary>
    public static Task MapAsync(WebApplication app, BackendContext context, CancellationToken cancellationToken) => Task.CompletedTask;
}

using FastLb.Backends.Hosting;
using Microsoft.AspNetCore.Builder;

namespace FastLb.Backends.Users;

/// <summary>The users service.</summary>
internal static class UsersService
{
    /// <summary>Opens the stores and maps the endpoints.</summary>
    public static Task MapAsync(WebApplication app, BackendContext context, CancellationToken cancellationToken) => Task.CompletedTask;
}

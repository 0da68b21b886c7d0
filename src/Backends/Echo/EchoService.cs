using FastLb.Backends.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FastLb.Backends.Echo;

/// <summary>The echo service: any method on /api/echo and below answers who served it and what it got; the fault knobs apply.</summary>
internal static class EchoService
{
    /// <summary>Maps /api/echo/{**rest}.</summary>
    public static Task MapAsync(WebApplication app, BackendContext context, CancellationToken cancellationToken)
    {
        app.Map("/api/echo/{**rest}", Api.Handler(async http =>
        {
            long bytes = 0;
            byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                int read;
                while ((read = await http.Request.Body.ReadAsync(buffer, http.RequestAborted).ConfigureAwait(false)) > 0) bytes += read;
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }

            http.Response.Headers["X-Backend-Instance"] = context.InstanceName;
            return Api.Json(new EchoBody(context.InstanceName, http.Request.Method, http.Request.Path.Value ?? "/", http.Request.QueryString.Value ?? string.Empty, bytes), EchoJsonContext.Default.EchoBody);
        }));
        return Task.CompletedTask;
    }
}

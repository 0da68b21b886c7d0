using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FastLb.Proxy.Tests.Infrastructure;

/// <summary>A real Kestrel backend on 127.0.0.1 port 0 with the endpoints the proxy tests need.</summary>
public sealed class TestBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inFlight;
    private int _arrived;

    private TestBackend(WebApplication app, string name)
    {
        _app = app;
        Name = name;
    }

    /// <summary>The name it answers with.</summary>
    public string Name { get; }

    /// <summary>Its address, e.g. 127.0.0.1:41234.</summary>
    public string Address { get; private set; } = "";

    /// <summary>Kestrel connection ids that carried requests (keep-alive reuse shows as few ids).</summary>
    public ConcurrentDictionary<string, int> Connections { get; } = new();

    /// <summary>Requests served.</summary>
    public int Requests => Connections.Values.Sum();

    /// <summary>Requests being served now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Lets every request to <c>/hold</c> (those waiting and those to come) answer.</summary>
    public void ReleaseHeld() => _release.TrySetResult();

    /// <summary>While true, every request is held unanswered until the proxy gives up on it (a frozen process that still accepts connections).</summary>
    public volatile bool Frozen;

    /// <summary>Whether 503s carry <c>Retry-After: 0</c>.</summary>
    public volatile bool RetryAfterZero;

    /// <summary>Delay added before every answer, in ms.</summary>
    public volatile int DelayMs;

    /// <summary>Share of requests answered 503 at once, in [0, 1].</summary>
    public double Fail503Share { get; set; }

    /// <summary>Requests that reached the backend, whatever became of them.</summary>
    public int Arrived => Volatile.Read(ref _arrived);

    /// <summary>Bodies of the POST /record requests received, in order of arrival.</summary>
    public ConcurrentQueue<string> Recorded { get; } = new();

    /// <summary>Headers of the last request, as received.</summary>
    public IHeaderDictionary? LastHeaders { get; private set; }

    /// <summary>Starts a backend named <paramref name="name"/>.</summary>
    public static async Task<TestBackend> StartAsync(string name)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o =>
        {
            o.Listen(IPAddress.Loopback, 0);
            o.Limits.MaxRequestBodySize = null;
            o.AddServerHeader = false;
        });
        WebApplication app = builder.Build();
        var backend = new TestBackend(app, name);
        app.UseWebSockets();
        app.Use(async (context, next) =>
        {
            backend.Connections.AddOrUpdate(context.Connection.Id, 1, (_, n) => n + 1);
            backend.LastHeaders = new HeaderDictionary(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase));
            Interlocked.Increment(ref backend._inFlight);
            Interlocked.Increment(ref backend._arrived);
            try
            {
                if (backend.Frozen)
                {
                    // Never answers; ends when the proxy closes the connection.
                    await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                    return;
                }

                if (backend.DelayMs > 0)
                {
                    await Task.Delay(backend.DelayMs);
                }

                if (backend.Fail503Share > 0 && Random.Shared.NextDouble() < backend.Fail503Share)
                {
                    if (context.Request.Path == "/record")
                    {
                        // Read what came, so the test can see the body reached this backend too.
                        backend.Recorded.Enqueue("503:" + await new StreamReader(context.Request.Body).ReadToEndAsync());
                    }

                    context.Response.StatusCode = 503;
                    if (backend.RetryAfterZero)
                    {
                        context.Response.Headers.RetryAfter = "0";
                    }

                    return;
                }

                await next(context);
            }
            finally
            {
                Interlocked.Decrement(ref backend._inFlight);
            }
        });

        app.MapGet("/hello", () => Results.Text($"hello from {name}"));
        app.MapMethods("/hello", ["HEAD"], (HttpContext c) => { c.Response.ContentLength = 11; return Task.CompletedTask; });
        app.MapGet("/api/hello", () => Results.Text($"api from {name}"));
        app.MapGet("/size/{n:long}", async (HttpContext c, long n) =>
        {
            c.Response.ContentLength = n;
            await WriteBytesAsync(c.Response.Body, n);
        });
        app.MapGet("/chunked/{n:long}", async (HttpContext c, long n) =>
        {
            // No Content-Length: Kestrel frames the response as chunked.
            await c.Response.StartAsync();
            await WriteBytesAsync(c.Response.Body, n);
        });
        app.MapPost("/echo", async (HttpContext c) =>
        {
            if (c.Request.ContentLength is long length)
            {
                c.Response.ContentLength = length;
            }

            await c.Request.Body.CopyToAsync(c.Response.Body);
        });
        app.MapPost("/count", async (HttpContext c) =>
        {
            // Reads the whole body, answers its length and a checksum: large bodies without echoing.
            byte[] buffer = new byte[64 * 1024];
            long total = 0, sum = 0;
            int read;
            while ((read = await c.Request.Body.ReadAsync(buffer)) > 0)
            {
                total += read;
                for (int i = 0; i < read; i++)
                {
                    sum += buffer[i];
                }
            }

            return Results.Text($"{total} {sum}");
        });
        app.MapGet("/slow/{ms:int}", async (int ms) =>
        {
            await Task.Delay(ms);
            return Results.Text($"slow from {name}");
        });
        app.MapGet("/hold", async () =>
        {
            // In flight until the test says so (ReleaseHeld), however long it takes.
            await backend._release.Task;
            return Results.Text($"held by {name}");
        });
        app.MapGet("/status/{code:int}", (int code) => Results.StatusCode(code));
        app.MapPost("/record", async (HttpContext c) =>
        {
            string body = await new StreamReader(c.Request.Body).ReadToEndAsync();
            backend.Recorded.Enqueue(body);
            return Results.Text($"{name}:{body}");
        });
        app.MapGet("/headers", (HttpContext c) => Results.Text(string.Join("\n", c.Request.Headers.Select(h => $"{h.Key}: {h.Value}"))));
        app.Map("/ws", async (HttpContext c) =>
        {
            if (!c.WebSockets.IsWebSocketRequest)
            {
                c.Response.StatusCode = 400;
                return;
            }

            using WebSocket socket = await c.WebSockets.AcceptWebSocketAsync();
            byte[] buffer = new byte[4096];
            while (true)
            {
                WebSocketReceiveResult result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                    return;
                }

                await socket.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, CancellationToken.None);
            }
        });

        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var uri = new Uri(address);
        backend.Address = $"127.0.0.1:{uri.Port}";
        return backend;
    }

    private static async Task WriteBytesAsync(Stream body, long n)
    {
        byte[] block = new byte[64 * 1024];
        for (int i = 0; i < block.Length; i++)
        {
            block[i] = (byte)('a' + (i % 26));
        }

        while (n > 0)
        {
            int size = (int)Math.Min(n, block.Length);
            await body.WriteAsync(block.AsMemory(0, size));
            n -= size;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        ReleaseHeld();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FastLb.Backends.Tests.Support;

/// <summary>A tiny in-test router standing in for the FastLb proxy (which lives in another project): /api/SERVICE/... goes
/// round-robin to that service's instances. It can hold requests to one service forever, to crash a saga mid-way.</summary>
internal sealed class TestGateway : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _client = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Uri[]> _routes;
    private int _next;

    private TestGateway(WebApplication app, System.Collections.Concurrent.ConcurrentDictionary<string, Uri[]> routes)
    {
        _app = app;
        _routes = routes;
    }

    /// <summary>Where the gateway listens.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>A service whose requests are held (never answered) while set.</summary>
    public string? HoldService { get; set; }

    /// <summary>Completes when a request to <see cref="HoldService"/> arrived and is being held.</summary>
    public TaskCompletionSource Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Requests forwarded so far, per service.</summary>
    public Dictionary<string, int> Forwarded { get; } = [];

    /// <summary>Starts a gateway routing each service name to its instances.</summary>
    public static async Task<TestGateway> StartAsync(IReadOnlyDictionary<string, Uri[]> routes)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        var gateway = new TestGateway(app, new System.Collections.Concurrent.ConcurrentDictionary<string, Uri[]>(routes));
        app.Run(gateway.ForwardAsync);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        gateway.BaseAddress = new Uri(address + "/");
        return gateway;
    }

    /// <summary>Sets (or replaces) the instances of one service.</summary>
    public void SetRoute(string service, params Uri[] upstreams) => _routes[service] = upstreams;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _client.Dispose();
    }

    private async Task ForwardAsync(HttpContext http)
    {
        string[] segments = (http.Request.Path.Value ?? "/").Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length < 2 || segments[0] != "api" || !_routes.TryGetValue(segments[1], out Uri[]? upstreams))
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        lock (Forwarded) Forwarded[segments[1]] = Forwarded.GetValueOrDefault(segments[1]) + 1;
        if (HoldService == segments[1])
        {
            Held.TrySetResult();
            await Task.Delay(Timeout.Infinite, http.RequestAborted).ContinueWith(_ => { });
            return;
        }

        Uri upstream = upstreams[(Interlocked.Increment(ref _next) & int.MaxValue) % upstreams.Length];
        using var request = new HttpRequestMessage(new HttpMethod(http.Request.Method), new Uri(upstream, http.Request.Path + http.Request.QueryString));
        if (http.Request.ContentLength > 0 || http.Request.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(http.Request.Body);
            if (http.Request.ContentType is { } type) request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
        }

        foreach (string name in new[] { "Authorization", "Idempotency-Key", "X-Session-Id" })
        {
            if (http.Request.Headers.TryGetValue(name, out var value)) request.Headers.TryAddWithoutValidation(name, value.ToString());
        }

        try
        {
            using HttpResponseMessage response = await _client.SendAsync(request, http.RequestAborted);
            http.Response.StatusCode = (int)response.StatusCode;
            if (response.Content.Headers.ContentType is { } contentType) http.Response.ContentType = contentType.ToString();
            await response.Content.CopyToAsync(http.Response.Body, http.RequestAborted);
        }
        catch (HttpRequestException)
        {
            http.Response.StatusCode = StatusCodes.Status502BadGateway;
        }
    }
}

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FastLb.Proxy.Admin;

/// <summary>The admin endpoint on its own port: <c>/health</c>, <c>/ready</c>, <c>/status</c>, <c>/metrics</c>, and <c>POST /reload</c>.</summary>
internal sealed class AdminServer : IAsyncDisposable
{
    private readonly IAdminView _server;
    private readonly ProxyExposition _exposition;
    private WebApplication? _app;

    /// <summary>Creates the admin endpoint of <paramref name="server"/>.</summary>
    public AdminServer(IAdminView server)
    {
        _server = server;
        _exposition = new ProxyExposition(server);
    }

    /// <summary>The bound address.</summary>
    public IPEndPoint? EndPoint { get; private set; }

    /// <summary>Starts Kestrel on <paramref name="endPoint"/> (port 0 picks a free one).</summary>
    public async Task StartAsync(IPEndPoint endPoint)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(options => options.Listen(endPoint));
        WebApplication app = builder.Build();

        app.MapGet("/health", () => Results.Text("ok\n"));
        app.MapGet("/ready", () => _server.IsReady ? Results.Text("ready\n") : Results.Text("not ready\n", statusCode: 503));
        app.MapGet("/status", () => Results.Bytes(StatusDocument.Render(_server), "application/json"));
        app.MapGet("/metrics", async (CancellationToken aborted) =>
            Results.Text(await _exposition.RenderAsync(aborted).ConfigureAwait(false), "text/plain; version=0.0.4; charset=utf-8"));
        app.MapPost("/reload", async () =>
        {
            Configuration.ReloadResult result = await _server.ReloadAsync().ConfigureAwait(false);
            return Results.Text(ReloadDocument.Render(result), "application/json", System.Text.Encoding.UTF8, result.HttpStatus);
        });

        await app.StartAsync().ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var uri = new Uri(address);
        EndPoint = new IPEndPoint(IPAddress.Parse(uri.Host.Trim('[', ']')), uri.Port);
        _app = app;
    }

    /// <summary>Stops the endpoint.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }
}

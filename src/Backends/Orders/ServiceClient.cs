using System.Net.Http.Headers;
using System.Text;
using FastLb.Backends.Hosting;
using Microsoft.Extensions.Logging;

namespace FastLb.Backends.Orders;

/// <summary>Calls from orders to the other services through the gateway (the FastLb proxy), with a timeout per attempt
/// and retries with backoff only for calls that are idempotent: reads, DELETEs, confirm/release/refund, and POSTs that carry an Idempotency-Key.</summary>
internal sealed class ServiceClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly BackendOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _log;

    /// <summary>Creates the client for the instance's gateway and per-service URLs.</summary>
    public ServiceClient(BackendContext context)
    {
        _options = context.Options;
        _time = context.Time;
        _log = context.Loggers.CreateLogger<ServiceClient>();
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2), MaxConnectionsPerServer = 256 })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>Sends one call; <paramref name="idempotent"/> allows retries after a timeout, a transport error or a 5xx.</summary>
    public async Task<CallResult> SendAsync(HttpMethod method, string path, string? jsonBody, string? bearer, string? idempotencyKey, bool idempotent, CancellationToken cancellationToken)
    {
        Uri target = Resolve(path);
        int attempts = idempotent ? 1 + _options.GatewayRetries : 1;
        CallResult result = new(0, string.Empty, "not sent");
        for (int attempt = 1; attempt <= attempts; attempt++)
        {
            if (attempt > 1)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(25 << (attempt - 2)), _time, cancellationToken).ConfigureAwait(false);
            }

            result = await OnceAsync(method, target, jsonBody, bearer, idempotencyKey, cancellationToken).ConfigureAwait(false);
            if (!result.IsRetryable) return result;
            _log.LogWarning("{Method} {Path} attempt {Attempt}/{Attempts}: {Status} {Error}", method, path, attempt, attempts, result.Status, result.Error);
        }

        return result;
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private async Task<CallResult> OnceAsync(HttpMethod method, Uri target, string? jsonBody, string? bearer, string? idempotencyKey, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.GatewayTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var request = new HttpRequestMessage(method, target);
        if (jsonBody is not null) request.Content = new StringContent(jsonBody, Encoding.UTF8, "application/json");
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        if (idempotencyKey is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        try
        {
            using HttpResponseMessage response = await _http.SendAsync(request, linked.Token).ConfigureAwait(false);
            string body = await response.Content.ReadAsStringAsync(linked.Token).ConfigureAwait(false);
            return new CallResult((int)response.StatusCode, body, null);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new CallResult(0, string.Empty, "timeout");
        }
        catch (HttpRequestException e)
        {
            return new CallResult(0, string.Empty, e.HttpRequestError.ToString());
        }
    }

    private Uri Resolve(string path)
    {
        // /api/<service>/... goes to that service's own URL when one is configured, else to the gateway.
        int start = "/api/".Length;
        int end = path.IndexOf('/', start);
        string service = end < 0 ? path[start..] : path[start..end];
        Uri? baseUri = _options.ServiceUrls.TryGetValue(service, out Uri? direct) ? direct : _options.Gateway;
        return new Uri(baseUri!, path);
    }
}

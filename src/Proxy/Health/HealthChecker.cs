using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using FastLb.Policy;
using FastLb.Proxy.Configuration;
using FastLb.Proxy.Forwarding;
using FastLb.Proxy.Runtime;
using FastLb.Proxy.Transport;

namespace FastLb.Proxy.Health;

/// <summary>Polls the backends of pools that have an active health check, off the hot path: HTTP (GET a path) or TCP (a connect).</summary>
/// <remarks>
/// <para>A backend goes out of rotation (<see cref="OutReason.Health"/>) after <c>fails</c> failed
/// checks in a row and comes back after <c>passes</c> passed ones. Results reach the policies through
/// <see cref="BackendState.SetAvailable"/> and <see cref="BackendState.SetHealth"/>, both single
/// writes, so picks never wait on a check.</para>
/// <para>A backend of a pool without a check is never out for its health: failures seen on requests
/// open its circuit breaker instead (<see cref="CircuitBreaker"/>, driven by the passive monitor).</para>
/// </remarks>
internal sealed class HealthChecker : IAsyncDisposable
{
    private readonly IReadOnlyList<PoolRuntime> _pools;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];

    /// <summary>Creates the checker of <paramref name="pools"/>.</summary>
    public HealthChecker(IReadOnlyList<PoolRuntime> pools, TimeProvider time)
    {
        _pools = pools;
        _time = time;
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1), UseProxy = false });
    }

    /// <summary>Starts one loop per pool that has a check; brings back any backend a removed check left out.</summary>
    public void Start()
    {
        foreach (PoolRuntime pool in _pools)
        {
            if (pool.Config.HealthCheck is null)
            {
                foreach (BackendRuntime backend in pool.Backends)
                {
                    backend.State.SetAvailable(true);
                    backend.Watch.FailedChecks = 0;
                    backend.Watch.PassedChecks = 0;
                }

                continue;
            }

            _loops.Add(CheckLoopAsync(pool));
        }
    }

    private async Task CheckLoopAsync(PoolRuntime pool)
    {
        var check = pool.Config.HealthCheck!;
        TimeSpan interval = TimeSpan.FromMilliseconds(check.IntervalMs);
        while (!_stop.IsCancellationRequested)
        {
            await Task.WhenAll(Array.ConvertAll(pool.Backends, b => CheckAsync(b, check))).ConfigureAwait(false);
            if (!await DelayAsync(interval).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>One check of <paramref name="backend"/>, folded into its run of results.</summary>
    internal async Task CheckAsync(BackendRuntime backend, HealthCheckOptions check)
    {
        bool? passed = check.Type == "tcp"
            ? await ProbeAsync(backend.Config.EndPoint, check.TimeoutMs).ConfigureAwait(false)
            : await CheckHttpAsync(backend, check).ConfigureAwait(false);
        if (passed is not bool ok)
        {
            // Cancelled by a reload or shutdown: no verdict.
            return;
        }

        BackendWatch watch = backend.Watch;
        if (ok)
        {
            watch.FailedChecks = 0;
            watch.PassedChecks++;
            if (watch.PassedChecks >= check.Passes)
            {
                backend.State.SetAvailable(true);
            }
        }
        else
        {
            watch.PassedChecks = 0;
            watch.FailedChecks++;
            if (watch.FailedChecks >= check.Fails)
            {
                backend.State.SetAvailable(false);
            }
        }
    }

    /// <summary>GET the check path: a status of the expected set with a report that is not unhealthy passes.</summary>
    private async Task<bool?> CheckHttpAsync(BackendRuntime backend, HealthCheckOptions check)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(check.TimeoutMs);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://{backend.Config.Address}{check.Path}"));
            using HttpResponseMessage response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            byte[] body = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
            HealthReport report = ParseReport(body, _time.GetTimestamp());
            backend.State.SetHealth(report);
            return check.Statuses.Contains((int)response.StatusCode) && report.Status != HealthStatus.Unhealthy;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            return _stop.IsCancellationRequested ? null : false;
        }
    }

    /// <summary>Reads a backend's health JSON (docs/FORMATS.md, "Backend health report"); fields that are missing or not JSON give -1 (unknown).</summary>
    internal static HealthReport ParseReport(ReadOnlySpan<byte> body, long timestamp)
    {
        HealthStatus status = HealthStatus.Unknown;
        double cpu = -1, avg = -1;
        int active = -1;
        try
        {
            var reader = new Utf8JsonReader(body);
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1)
                {
                    continue;
                }

                string name = reader.GetString()!;
                reader.Read();
                switch (name)
                {
                    case "status" when reader.TokenType == JsonTokenType.String:
                        status = reader.GetString() switch
                        {
                            "healthy" => HealthStatus.Healthy,
                            "degraded" => HealthStatus.Degraded,
                            "unhealthy" => HealthStatus.Unhealthy,
                            _ => HealthStatus.Unknown,
                        };
                        break;
                    case "cpu" when reader.TokenType == JsonTokenType.Number:
                        cpu = reader.GetDouble();
                        break;
                    case "active_requests" when reader.TokenType == JsonTokenType.Number:
                        active = (int)reader.GetDouble();
                        break;
                    case "avg_response_ms" when reader.TokenType == JsonTokenType.Number:
                        avg = reader.GetDouble();
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // A body that is not JSON still answers the check through its status code.
        }

        return new HealthReport(status, cpu, active, avg, timestamp);
    }

    private async Task<bool?> ProbeAsync(EndPoint endPoint, int timeoutMs)
    {
        try
        {
            using Socket socket = await SocketConnector.ConnectAsync(endPoint, TimeSpan.FromMilliseconds(timeoutMs), _stop.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is SocketException or TimeoutException or OperationCanceledException)
        {
            return _stop.IsCancellationRequested ? null : false;
        }
    }

    private async Task<bool> DelayAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _time, _stop.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Stops every loop.</summary>
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await Task.WhenAll(_loops).ConfigureAwait(false);
        _http.Dispose();
        _stop.Dispose();
    }
}

using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using FastLb.Policy;
using FastLb.Proxy.Forwarding;
using FastLb.Proxy.Runtime;
using FastLb.Proxy.Transport;

namespace FastLb.Proxy.Health;

/// <summary>Polls backends off the hot path: HTTP health checks where a pool has one, TCP probes of ejected backends otherwise.</summary>
/// <remarks>
/// Results reach the policies through <see cref="BackendState.SetAvailable"/> and
/// <see cref="BackendState.SetHealth"/>, both single volatile writes, so picks never wait on a check.
/// A backend that fails a connect on the hot path is ejected at once (BackendRuntime.OnConnectFailed)
/// and comes back when a check or probe succeeds.
/// </remarks>
internal sealed class HealthChecker : IAsyncDisposable
{
    private static readonly TimeSpan s_probeInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_probeTimeout = TimeSpan.FromSeconds(1);

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

    /// <summary>Starts one loop per pool.</summary>
    public void Start()
    {
        foreach (PoolRuntime pool in _pools)
        {
            _loops.Add(pool.Config.HealthCheck is null ? ProbeLoopAsync(pool) : CheckLoopAsync(pool));
        }
    }

    private async Task CheckLoopAsync(PoolRuntime pool)
    {
        var check = pool.Config.HealthCheck!;
        TimeSpan interval = TimeSpan.FromMilliseconds(check.IntervalMs);
        while (!_stop.IsCancellationRequested)
        {
            await Task.WhenAll(Array.ConvertAll(pool.Backends, b => CheckAsync(b, check.Path, check.TimeoutMs))).ConfigureAwait(false);
            if (!await DelayAsync(interval).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>One HTTP check: 200 with a healthy or degraded report keeps the backend in; anything else takes it out.</summary>
    internal async Task CheckAsync(BackendRuntime backend, string path, int timeoutMs)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(timeoutMs);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://{backend.Config.Address}{path}"));
            using HttpResponseMessage response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            byte[] body = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
            HealthReport report = ParseReport(body, _time.GetTimestamp());
            backend.State.SetHealth(report);
            backend.State.SetAvailable(response.StatusCode == HttpStatusCode.OK && report.Status != HealthStatus.Unhealthy);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            if (!_stop.IsCancellationRequested)
            {
                backend.State.SetAvailable(false);
            }
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

    private async Task ProbeLoopAsync(PoolRuntime pool)
    {
        while (await DelayAsync(s_probeInterval).ConfigureAwait(false))
        {
            foreach (BackendRuntime backend in pool.Backends)
            {
                if (!backend.State.IsAvailable)
                {
                    backend.State.SetAvailable(await ProbeAsync(backend.Config.EndPoint).ConfigureAwait(false));
                }
            }
        }
    }

    private async Task<bool> ProbeAsync(EndPoint endPoint)
    {
        try
        {
            using Socket socket = await SocketConnector.ConnectAsync(endPoint, s_probeTimeout, _stop.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is SocketException or TimeoutException or OperationCanceledException)
        {
            return false;
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

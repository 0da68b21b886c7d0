using System.Runtime.CompilerServices;
using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Sockets;
using FastLb.Policy;
using FastLb.Proxy.Configuration;
using FastLb.Proxy.Edge;
using FastLb.Proxy.Http;
using FastLb.Proxy.Logging;
using FastLb.Proxy.Runtime;
using FastLb.Proxy.Transport;
using FastLb.RequestLog;

namespace FastLb.Proxy.Forwarding;

internal sealed partial class HttpProxyConnection
{
    /// <summary>Handles one request from head to last response byte; false when the client connection must close.</summary>
    /// <remarks>Hot path: guarded by ProxyRelayBenchmarks.</remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ProcessRequestAsync()
    {
        _requestIdLength = 0;
        (bool ok, ReadOnlySequence<byte> head) = await ReadHeadAsync().ConfigureAwait(false);
        if (!ok)
        {
            return false;
        }

        long started = _context.Time.GetTimestamp();
        TakeRequestId();

        // The snapshot read when the request's first byte arrived: the request keeps its pool (and
        // later its backend) and its limits even if a config reload swaps the snapshot meanwhile.
        RoutingSnapshot routing = _routing;
        if (!routing.Listeners[_context.Listener].Router!.TryMatch(_request.Host, _request.Path, out PoolRuntime? pool, out string? route, out int routeId, out RouteEdge? edge))
        {
            _input.AdvanceTo(head.GetPosition(_request.Length));
            await RespondErrorAsync(404, OutcomeError.None).ConfigureAwait(false);
            return false;
        }

        // The route's rate limits and JWT check, when it has them: go on, or answer 429/401/403 here.
        EdgeVerdict edgeVerdict = CheckEdge(edge, started);
        if (!edgeVerdict.IsPass)
        {
            return await RespondEdgeAsync(edgeVerdict, head).ConfigureAwait(false);
        }

        if (_request.Framing == BodyFraming.ContentLength && _request.ContentLength > routing.Config.Limits.MaxBodyBytes)
        {
            _input.AdvanceTo(head.GetPosition(_request.Length));
            _context.Metrics.CountRejection(RejectReason.BodyTooLarge);
            await RespondErrorAsync(413, OutcomeError.None).ConfigureAwait(false);
            return false;
        }

        var features = RequestFeatures.Empty;
        features.Timestamp = started;
        features.RouteId = routeId;
        features.Method = _request.Method;
        features.RequestBytes = _request.Framing switch
        {
            BodyFraming.None => 0,
            BodyFraming.ContentLength => _request.ContentLength,
            _ => -1,
        };
        features.HashKey = pool!.Config.HashKey.Kind == HashKeyKind.Client ? _clientHash : KeyFromRequest(pool.Config.HashKey);

        _exchange.Reset(pool!, route, routing.Config.Limits, started, _context.Time.GetUtcNow().ToUnixTimeMilliseconds());
        bool keepOpen = await ForwardAsync(head, features, _exchange).ConfigureAwait(false);
        return keepOpen && _request.KeepAlive && !IsDraining;
    }

    /// <summary>The affinity key from the header or cookie the pool names; 0 (no key) when the request has none.</summary>
    private ulong KeyFromRequest(HashKeySource source)
    {
        ReadOnlySpan<byte> headerName = source.Kind == HashKeyKind.Header ? source.Name : "Cookie"u8;
        for (int i = 0; i < _request.HeaderCount; i++)
        {
            if (!System.Text.Ascii.EqualsIgnoreCase(_request.NameOf(i), headerName))
            {
                continue;
            }

            ReadOnlySpan<byte> value = source.Kind == HashKeyKind.Header ? _request.ValueOf(i) : AffinityKey.CookieValue(_request.ValueOf(i), source.Name);
            if (!value.IsEmpty)
            {
                return AffinityKey.Of(value);
            }
        }

        return 0;
    }

    private void TakeRequestId()
    {
        int index = _request.RequestIdHeader;
        if (index >= 0)
        {
            ReadOnlySpan<byte> given = _request.ValueOf(index);
            if (given.Length <= MaxRequestIdBytes)
            {
                given.CopyTo(_requestId);
                _requestIdLength = given.Length;
                _assignedId = 0;
                return;
            }
        }

        _assignedId = _context.RequestIds.Next();
        _requestIdLength = RequestIds.Format(_assignedId, _requestId);
    }

    /// <summary>Picks a backend, sends the request, relays the response; retries by <see cref="RetryRule"/> where nothing can have reached a backend.</summary>
    /// <remarks>Each attempt is one <see cref="BackendLease"/> in <see cref="Exchange.Lease"/>, completed by
    /// <see cref="FinishAttempt"/> on every path out of the loop, including a client that goes away.</remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ForwardAsync(ReadOnlySequence<byte> head, RequestFeatures features, Exchange exchange)
    {
        PoolRuntime pool = exchange.Pool;
        bool hasBody = _request.Framing == BodyFraming.Chunked || (_request.Framing == BodyFraming.ContentLength && _request.ContentLength > 0);
        bool headConsumed = false;
        for (int attempt = 0; ; attempt++)
        {
            exchange.Attempt = attempt;
            int index = pool.Balancer.Acquire(ref features, ref exchange.Lease);
            if (index < 0)
            {
                // No backend at all is 503; a shed is 503 with Retry-After, counted on the pool. None
                // left for a retry, or a shed of it, is the first attempt's failure: 502.
                bool shed = index == IRoutingPolicy.Shed;
                if (shed)
                {
                    pool.Metrics.CountShed();
                }

                ConsumeHead(ref headConsumed, head);
                await RespondErrorAsync(attempt == 0 ? 503 : 502, OutcomeError.None, retryAfter: shed && attempt == 0).ConfigureAwait(false);
                return false;
            }

            BackendRuntime backend = pool.Backends[index];
            exchange.Decided(backend);

            UpstreamConnection? upstream = backend.Upstream.TryRent();
            bool reused = upstream is not null;
            if (upstream is null)
            {
                try
                {
                    upstream = await backend.Upstream.ConnectAsync(CancellationToken.None).ConfigureAwait(false);
                    backend.Metrics.CountOpened();
                }
                catch (Exception e) when (e is SocketException or TimeoutException)
                {
                    backend.OnConnectFailed();
                    FinishAttempt(exchange, 0, e is TimeoutException ? OutcomeError.Timeout : OutcomeError.Connect);
                    if (pool.TryRetry(RetryableFailure.ConnectFailed, attempt, index, ref features))
                    {
                        continue;
                    }

                    ConsumeHead(ref headConsumed, head);
                    await RespondErrorAsync(502, OutcomeError.Connect).ConfigureAwait(false);
                    return false;
                }
            }
            else
            {
                backend.Metrics.CountReused();
            }

            SendResult sent;
            try
            {
                bool canRetry = reused && !hasBody && RetryRule.MayRetry(RetryableFailure.ConnectionClosed, attempt);
                sent = await SendAndRelayAsync(upstream, head, hasBody, exchange, headConsumed, canRetry).ConfigureAwait(false);
            }
            catch (Exception e) when (IsConnectionFailure(e))
            {
                // The client went away mid-exchange: the attempt still gets its one outcome.
                FinishAttempt(exchange, exchange.Status, exchange.Error == OutcomeError.None ? OutcomeError.Reset : exchange.Error);
                await upstream.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            if (sent == SendResult.RetryOnFreshConnection)
            {
                // A kept-alive connection the backend had closed: nothing of this request reached it.
                // SendAndRelayAsync answers so only where the rule allows a retry (canRetry).
                await upstream.DisposeAsync().ConfigureAwait(false);
                FinishAttempt(exchange, 0, OutcomeError.Reset);
                bool retried = pool.TryRetry(RetryableFailure.ConnectionClosed, attempt, index, ref features);
                Debug.Assert(retried, "a retry on a fresh connection is asked for only where the retry rule allows one");
                continue;
            }

            headConsumed = true;
            FinishAttempt(exchange, exchange.Status, exchange.Error);
            if (sent == SendResult.Reusable)
            {
                backend.Upstream.Return(upstream);
            }
            else
            {
                await upstream.DisposeAsync().ConfigureAwait(false);
            }

            return exchange.ClientKeepAlive;
        }
    }

    private void ConsumeHead(ref bool consumed, ReadOnlySequence<byte> head)
    {
        if (!consumed)
        {
            _input.AdvanceTo(head.GetPosition(_request.Length));
            consumed = true;
        }
    }

    /// <summary>Ends the current attempt: completes its lease (the policy learns the outcome), counts it, and queues its request-log row.</summary>
    private void FinishAttempt(Exchange exchange, int status, OutcomeError error)
    {
        BackendRuntime backend = exchange.Backend!;
        TimeProvider time = _context.Time;
        long now = time.GetTimestamp();
        double latencyMs = time.GetElapsedTime(exchange.Started, now).TotalMilliseconds;
        double ttfbMs = exchange.FirstByte == 0 ? latencyMs : time.GetElapsedTime(exchange.Started, exchange.FirstByte).TotalMilliseconds;
        var outcome = new RequestOutcome(latencyMs, ttfbMs, status, error);
        exchange.Lease.Complete(outcome);
        backend.Metrics.CountRequest(error == OutcomeError.None ? status : 0);
        exchange.Pool.Latency.Observe(latencyMs);

        RequestLogWriter? log = _context.Log;
        if (log is not null)
        {
            // The completed lease still holds the request as it was picked (method, size, pool in flight).
            RequestFeatures features = exchange.Lease.Request;
            var entry = new RequestLogEntry
            {
                TsUnixMs = exchange.UnixMs,
                AssignedRequestId = _assignedId,
                Pool = exchange.Pool.Name,
                Backend = backend.Config.Address,
                Route = exchange.Route,
                Policy = exchange.Pool.Config.Policy,
                Method = features.Method,
                ReqBytes = features.RequestBytes,
                Status = status,
                LatencyMs = latencyMs,
                TtfbMs = ttfbMs,
                Error = error,
                InflightBackend = exchange.InflightBackend,
                InflightPool = features.PoolInFlight,
                EwmaLatencyMs = exchange.EwmaLatencyMs,
                EwmaErrorRate = exchange.EwmaErrorRate,
                Health = exchange.Health!,
                Attempt = exchange.Attempt,
            };
            if (_assignedId == 0)
            {
                // The one string the log copies: an id the client chose.
                entry.GivenRequestId = System.Text.Encoding.ASCII.GetString(RequestIdBytes);
            }

            log.TryAppend(entry);
        }
    }
}

using System.Runtime.CompilerServices;
using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using FastLb.Policy;
using FastLb.Proxy.Configuration;
using FastLb.Proxy.Edge;
using FastLb.Proxy.Http;
using FastLb.Proxy.Logging;
using FastLb.Proxy.Metrics;
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
        if (!routing.Listeners[_context.Listener].Router!.TryMatch(_request.Host, _request.Path, out PoolRuntime? pool, out RouteConfig? route, out int routeId, out RouteEdge? edge))
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

        _exchange.Reset(pool!, route, routing.Config.Limits, started, _context.Time.GetUtcNow().ToUnixTimeMilliseconds(), _context.Time.TimestampFrequency);
        _exchange.Features = features;
        bool keepOpen = await ForwardAsync(head, _exchange).ConfigureAwait(false);
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

    /// <summary>Picks a backend, sends the request, relays the response; retries by <see cref="RetryRule"/> within the pool's budget.</summary>
    /// <remarks>
    /// <para>Each attempt is one <see cref="BackendLease"/> in <see cref="Exchange.Lease"/>, completed by
    /// <see cref="FinishAttempt"/> on every path out of the loop, including a client that goes away.</para>
    /// <para>A Content-Length body up to the route's <see cref="RetrySettings.BodyBytes"/> (and within the
    /// input buffer) is read whole before the first attempt and left in the input buffer, so every
    /// attempt sends it from there; a larger or chunked body streams, and its request is retried only
    /// where nothing of it was sent (a failed connect).</para>
    /// </remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ForwardAsync(ReadOnlySequence<byte> head, Exchange exchange)
    {
        PoolRuntime pool = exchange.Pool;
        RetrySettings retry = exchange.Retry;
        bool hasBody = _request.Framing == BodyFraming.Chunked || (_request.Framing == BodyFraming.ContentLength && _request.ContentLength > 0);
        // Not with Expect: 100-continue: that client sends its body only after the backend's 100.
        if (hasBody && retry.Attempts > 1 && _request.Framing == BodyFraming.ContentLength && _request.ContentLength <= retry.BodyBytes
            && _request.Length + _request.ContentLength < _context.InputBufferBytes && !_request.ExpectContinue)
        {
            (bool held, head) = await HoldBodyAsync(head).ConfigureAwait(false);
            if (!held)
            {
                return false;
            }

            exchange.HeldBody = _request.ContentLength;
            hasBody = false;
        }

        bool headConsumed = false;
        for (int attempt = 0; ; attempt++)
        {
            exchange.Attempt = attempt;
            if (attempt > 0)
            {
                await BackoffAsync(retry, attempt).ConfigureAwait(false);
                if (_context.Time.GetTimestamp() >= exchange.TotalDeadline)
                {
                    pool.Metrics.CountTimeout(TimeoutKind.Total);
                    ConsumeHead(ref headConsumed, head);
                    await RespondErrorAsync(504, OutcomeError.Timeout).ConfigureAwait(false);
                    return false;
                }
            }

            int index = pool.Balancer.Acquire(ref exchange.Features, ref exchange.Lease);
            while (index == Balancer.Saturated && await WaitForCapacityAsync(pool).ConfigureAwait(false))
            {
                index = pool.Balancer.Acquire(ref exchange.Features, ref exchange.Lease);
            }

            if (index == Balancer.Saturated)
            {
                ConsumeHead(ref headConsumed, head);
                await RespondErrorAsync(503, OutcomeError.None, retryAfter: true).ConfigureAwait(false);
                return false;
            }

            if (index < 0)
            {
                // No backend at all is 503; a shed is 503 with Retry-After, counted on the pool.
                bool shed = index == IRoutingPolicy.Shed;
                if (shed)
                {
                    pool.Metrics.CountShed();
                }

                // None left for a retry: the client gets the failure that asked for the retry.
                ConsumeHead(ref headConsumed, head);
                await RespondErrorAsync(attempt == 0 ? 503 : RetriedFailureStatus(exchange.RetryFailure), OutcomeError.None, retryAfter: shed && attempt == 0).ConfigureAwait(false);
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
                    upstream = await backend.Upstream.ConnectAsync(exchange.ConnectTimeout, CancellationToken.None).ConfigureAwait(false);
                    backend.Metrics.CountOpened();
                }
                catch (Exception e) when (e is SocketException or TimeoutException)
                {
                    if (e is TimeoutException)
                    {
                        pool.Metrics.CountTimeout(TimeoutKind.Connect);
                    }

                    backend.OnConnectFailed();
                    FinishAttempt(exchange, 0, e is TimeoutException ? OutcomeError.Timeout : OutcomeError.Connect, toBreaker: false);
                    if (pool.TryRetry(RetryableFailure.ConnectFailed, attempt, index, ref exchange.Features, retry))
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
            exchange.Upstream = upstream;
            try
            {
                sent = await SendAndRelayAsync(upstream, head, hasBody, exchange, headConsumed, reused).ConfigureAwait(false);
            }
            catch (Exception e) when (IsConnectionFailure(e))
            {
                upstream = exchange.Upstream;
                // The client went away mid-exchange: the attempt still gets its one outcome, and the
                // backend is not blamed for it.
                FinishAttempt(exchange, exchange.Status, exchange.Error == OutcomeError.None ? OutcomeError.Reset : exchange.Error, toBreaker: false);
                await upstream.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            // A hedge that won replaced the attempt: its backend and connection.
            upstream = exchange.Upstream;
            backend = exchange.Backend!;
            if (sent == SendResult.Retry)
            {
                // SendAndRelayAsync took the retry (rule and budget) and relayed nothing of this attempt.
                await upstream.DisposeAsync().ConfigureAwait(false);
                FinishAttempt(exchange, exchange.Status, exchange.Error, toBreaker: exchange.RetryFailure != RetryableFailure.ConnectionClosed);
                continue;
            }

            headConsumed = true;
            FinishAttempt(exchange, exchange.Status, exchange.Error, toBreaker: true);
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

    /// <summary>Every backend is at the pool's cap: waits in the pool's queue for an attempt to end; false when the queue is full, absent or timed out (counted).</summary>
    private Task<bool> WaitForCapacityAsync(PoolRuntime pool)
    {
        PoolConfig config = pool.Config;
        if (config.QueueSize == 0)
        {
            pool.Queue.CountFull();
            return Task.FromResult(false);
        }

        return pool.Queue.WaitAsync(config.QueueSize, TimeSpan.FromMilliseconds(config.QueueTimeoutMs), _context.Time);
    }

    /// <summary>What the client gets when a retry finds no backend: the status the failed attempt would have had.</summary>
    private static int RetriedFailureStatus(RetryableFailure failure) => failure switch
    {
        RetryableFailure.Timeout => 504,
        RetryableFailure.RefusedNow => 503,
        _ => 502,
    };

    /// <summary>Reads until the whole Content-Length body is in the input buffer behind the head, without consuming either; false when the client closed or timed out first (answered).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<(bool Ok, ReadOnlySequence<byte> Buffer)> HoldBodyAsync(ReadOnlySequence<byte> head)
    {
        long need = _request.Length + _request.ContentLength;
        if (head.Length >= need)
        {
            return (true, head);
        }

        // The body gets the time a head gets (limits.headerTimeoutMs), then 408.
        _input.AdvanceTo(head.Start, head.End);
        Arm(DeadlineHeader, _exchange.Limits.HeaderTimeoutMs);
        try
        {
            while (true)
            {
                ReadResult result = await _input.ReadAtLeastAsync((int)need).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                if (buffer.Length >= need)
                {
                    return (true, buffer);
                }

                if (result.IsCanceled && TakeExpired() != DeadlineHeader && !result.IsCompleted)
                {
                    // A cancel left over from the previous request's body copy.
                    _input.AdvanceTo(buffer.Start, buffer.End);
                    continue;
                }

                _input.AdvanceTo(buffer.End);
                if (result.IsCanceled)
                {
                    await RespondErrorAsync(408, OutcomeError.None).ConfigureAwait(false);
                }

                return (false, default);
            }
        }
        finally
        {
            Disarm();
        }
    }

    /// <summary>Waits before a retry: a random time up to the route's backoff base times 2^(retry-1) (full jitter); nothing when the base is 0.</summary>
    private Task BackoffAsync(RetrySettings retry, int attempt)
    {
        if (retry.BackoffMs == 0)
        {
            return Task.CompletedTask;
        }

        int cap = retry.BackoffMs << Math.Min(attempt - 1, 10);
        return Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(0, cap + 1)), _context.Time);
    }

    /// <summary>Asks the retry rule and the pool's budget for another attempt after <paramref name="failure"/>; on yes the failure is kept on the exchange.</summary>
    private bool ClaimRetry(Exchange exchange, RetryableFailure failure, bool streamedBody)
    {
        if (streamedBody || !exchange.Pool.TryRetry(failure, exchange.Attempt, exchange.Lease.Index, ref exchange.Features, exchange.Retry))
        {
            return false;
        }

        exchange.RetryFailure = failure;
        return true;
    }

    private void ConsumeHead(ref bool consumed, ReadOnlySequence<byte> head)
    {
        if (!consumed)
        {
            _input.AdvanceTo(EndOfRequest(head));
            consumed = true;
        }
    }

    /// <summary>Where the request ends in the input buffer: after its head, and after its body when the body is held there.</summary>
    private SequencePosition EndOfRequest(ReadOnlySequence<byte> head) => head.GetPosition(_request.Length + _exchange.HeldBody);

    /// <summary>Ends the current attempt: completes its lease (the policy learns the outcome), counts it, and queues its request-log row.</summary>
    /// <param name="exchange">The request.</param>
    /// <param name="status">The response status, 0 when none came.</param>
    /// <param name="error">The transport or protocol error, if any.</param>
    /// <param name="toBreaker">Whether the outcome goes to the backend's circuit breaker: not for a client that went away, a kept-alive
    /// connection found closed, or a failed connect (which opened the circuit already).</param>
    private void FinishAttempt(Exchange exchange, int status, OutcomeError error, bool toBreaker)
    {
        BackendRuntime backend = exchange.Backend!;
        TimeProvider time = _context.Time;
        long now = time.GetTimestamp();
        double latencyMs = time.GetElapsedTime(exchange.Started, now).TotalMilliseconds;
        double ttfbMs = exchange.FirstByte == 0 ? latencyMs : time.GetElapsedTime(exchange.Started, exchange.FirstByte).TotalMilliseconds;
        var outcome = new RequestOutcome(latencyMs, ttfbMs, status, error);
        exchange.Lease.Complete(outcome);
        exchange.Pool.Queue.Release();
        if (toBreaker)
        {
            backend.Breaker.OnOutcome(error != OutcomeError.None || exchange.Pool.Config.BreakerCounts(status));
        }

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

using System.Runtime.CompilerServices;
using System.Buffers;
using System.IO.Pipelines;
using FastLb.Policy;
using FastLb.Proxy.Http;
using FastLb.Proxy.Metrics;
using FastLb.Proxy.Transport;

namespace FastLb.Proxy.Forwarding;

internal sealed partial class HttpProxyConnection
{
    /// <summary>Sends the request on <paramref name="upstream"/> and relays the response to the client.</summary>
    /// <param name="upstream">The connection to the picked backend.</param>
    /// <param name="head">The input buffer the request head was parsed from (still unconsumed), with the held body behind it (<see cref="Exchange.HeldBody"/>).</param>
    /// <param name="hasBody">Whether a request body streams after the head (not held).</param>
    /// <param name="exchange">The request's state; its status, error and keep-alive are set here.</param>
    /// <param name="headConsumed">Whether an earlier attempt already consumed the head from the input.</param>
    /// <param name="reused">Whether the connection came from the keep-alive pool: closed before any response byte, it had been closed by the backend while idle.</param>
    /// <remarks>Where the attempt fails before anything reached the client, it asks for a retry (<see cref="ClaimRetry"/>) and, granted one,
    /// returns <see cref="SendResult.Retry"/> without answering; otherwise it answers the failure.</remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<SendResult> SendAndRelayAsync(
        UpstreamConnection upstream, ReadOnlySequence<byte> head, bool hasBody, Exchange exchange, bool headConsumed, bool reused)
    {
        WriteRequestHead(upstream.Output);
        if (exchange.HeldBody > 0)
        {
            foreach (ReadOnlyMemory<byte> segment in head.Slice(_request.Length, exchange.HeldBody))
            {
                upstream.Output.Write(segment.Span);
            }
        }

        if (hasBody && !headConsumed)
        {
            _input.AdvanceTo(head.GetPosition(_request.Length));
            headConsumed = true;
        }

        RetryableFailure closedEarly = reused ? RetryableFailure.ConnectionClosed : RetryableFailure.Reset;
        if (!await TryFlushAsync(upstream.Output).ConfigureAwait(false))
        {
            if (ClaimRetry(exchange, closedEarly, hasBody))
            {
                exchange.Error = OutcomeError.Reset;
                return SendResult.Retry;
            }

            return await FailAsync(exchange, head, headConsumed, null, upstream, 502, OutcomeError.Reset).ConfigureAwait(false);
        }

        if (MayHedge(exchange))
        {
            // A copy to another backend may answer first; the winner's connection is the one read from here on.
            UpstreamConnection winner = await HedgeAsync(upstream, exchange, exchange.Hedge!).ConfigureAwait(false);
            if (!ReferenceEquals(winner, upstream))
            {
                upstream = winner;
                closedEarly = RetryableFailure.Reset;
            }
        }

        Task<(CopyStatus Status, RejectReason Reason)>? body = hasBody ? CopyRequestBodyAsync(upstream) : null;

        // Response head, after any interim (1xx) responses; the wait ends at the response-head timeout or the total one, whichever comes first.
        ReadOnlySequence<byte> buffer;
        Volatile.Write(ref _waitingOn, upstream);
        ArmResponseHead(exchange);
        try
        {
            while (true)
            {
                _response.Reset();
                ReadResult result = await upstream.Input.ReadAsync().ConfigureAwait(false);
                buffer = result.Buffer;
                if (result.IsCanceled)
                {
                    upstream.Input.AdvanceTo(buffer.Start);
                    int expired = TakeExpired();
                    if (expired == DeadlineTotal)
                    {
                        exchange.Pool.Metrics.CountTimeout(TimeoutKind.Total);
                        return await FailAsync(exchange, head, headConsumed, body, upstream, 504, OutcomeError.Timeout).ConfigureAwait(false);
                    }

                    if (expired == DeadlineResponseHead)
                    {
                        exchange.Pool.Metrics.CountTimeout(TimeoutKind.ResponseHead);
                        if (ClaimRetry(exchange, RetryableFailure.Timeout, hasBody))
                        {
                            exchange.Error = OutcomeError.Timeout;
                            return SendResult.Retry;
                        }

                        return await FailAsync(exchange, head, headConsumed, body, upstream, 504, OutcomeError.Timeout).ConfigureAwait(false);
                    }

                    continue;
                }

                if (exchange.FirstByte == 0 && !buffer.IsEmpty)
                {
                    exchange.FirstByte = _context.Time.GetTimestamp();
                }

                ParseStatus status = HttpHeadParser.TryParseResponse(buffer, _request.Method == RequestMethod.Head, _response, out RejectReason reason);
                if (status == ParseStatus.Complete)
                {
                    if (_response.IsInterim && _response.StatusCode != 101)
                    {
                        // RFC 9110 15.2: no 1xx to an HTTP/1.0 client; others get it as it came.
                        if (_request.Version == HttpVersion.Http11)
                        {
                            _output.Write(_response.Bytes.Span[.._response.Length]);
                            await _output.FlushAsync().ConfigureAwait(false);
                        }

                        upstream.Input.AdvanceTo(buffer.GetPosition(_response.Length));
                        continue;
                    }

                    break;
                }

                if (status == ParseStatus.Rejected)
                {
                    upstream.Input.AdvanceTo(buffer.Start);
                    _context.Metrics.CountRejection(reason);
                    return await FailAsync(exchange, head, headConsumed, body, upstream, 502, OutcomeError.Protocol).ConfigureAwait(false);
                }

                if (result.IsCompleted)
                {
                    upstream.Input.AdvanceTo(buffer.Start);
                    if (buffer.IsEmpty && exchange.FirstByte == 0 && ClaimRetry(exchange, closedEarly, hasBody))
                    {
                        exchange.Error = OutcomeError.Reset;
                        return SendResult.Retry;
                    }

                    return await FailAsync(exchange, head, headConsumed, body, upstream, 502, OutcomeError.Reset).ConfigureAwait(false);
                }

                upstream.Input.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            if (exchange.FirstByte == 0 && ClaimRetry(exchange, closedEarly, hasBody))
            {
                exchange.Error = OutcomeError.Reset;
                return SendResult.Retry;
            }

            return await FailAsync(exchange, head, headConsumed, body, upstream, 502, OutcomeError.Reset).ConfigureAwait(false);
        }
        finally
        {
            Disarm();
            Volatile.Write(ref _waitingOn, null);
        }

        if (body is null && _response.StatusCode >= 500 && IsRetriedStatus(exchange) is var failure and not RetryableFailure.None
            && ClaimRetry(exchange, failure, hasBody))
        {
            // Not relayed: the next attempt answers instead. The response's body is left unread, so the connection closes.
            upstream.Input.AdvanceTo(buffer.Start);
            exchange.Status = _response.StatusCode;
            return SendResult.Retry;
        }

        if (!headConsumed)
        {
            _input.AdvanceTo(EndOfRequest(head));
        }

        bool upgrade = _response.StatusCode == 101;
        if (upgrade && !_request.IsUpgrade)
        {
            upstream.Input.AdvanceTo(buffer.Start);
            _context.Metrics.CountRejection(RejectReason.MalformedStatusLine);
            return await FailAsync(exchange, head, true, body, upstream, 502, OutcomeError.Protocol).ConfigureAwait(false);
        }

        exchange.Status = _response.StatusCode;
        bool closeClient = !_request.KeepAlive || _response.Framing == BodyFraming.CloseDelimited || IsDraining || upgrade;
        WriteResponseHead(closeClient, upgrade);
        upstream.Input.AdvanceTo(buffer.GetPosition(_response.Length));

        bool bounded = exchange.TotalDeadline != long.MaxValue;
        if (bounded)
        {
            Volatile.Write(ref _waitingOn, upstream);
            ArmAt(DeadlineBody, exchange.TotalDeadline);
        }

        CopyStatus copied;
        try
        {
            copied = _response.Framing switch
            {
                BodyFraming.None => await TryFlushAsync(_output).ConfigureAwait(false) ? CopyStatus.Done : CopyStatus.DestinationGone,
                BodyFraming.ContentLength when _response.ContentLength == 0 => await TryFlushAsync(_output).ConfigureAwait(false) ? CopyStatus.Done : CopyStatus.DestinationGone,
                BodyFraming.ContentLength => await BodyCopier.CopyExactAsync(upstream.Input, _output, _response.ContentLength).ConfigureAwait(false),
                BodyFraming.Chunked => await CopyResponseChunkedAsync(upstream).ConfigureAwait(false),
                _ => await BodyCopier.CopyToEndAsync(upstream.Input, _output).ConfigureAwait(false),
            };
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            copied = CopyStatus.SourceEnded;
        }
        finally
        {
            if (bounded)
            {
                Disarm();
                Volatile.Write(ref _waitingOn, null);
            }
        }

        if (bounded && TakeExpired() == DeadlineBody)
        {
            exchange.Pool.Metrics.CountTimeout(TimeoutKind.Total);
            copied = CopyStatus.SourceEnded;
            exchange.Error = OutcomeError.Timeout;
        }

        if ((copied is CopyStatus.SourceEnded or CopyStatus.Malformed) && exchange.Error == OutcomeError.None)
        {
            exchange.Error = copied == CopyStatus.Malformed ? OutcomeError.Protocol : OutcomeError.Reset;
        }

        (bool bodyOk, bool upstreamAborted) = await FinishRequestBodyAsync(body, upstream).ConfigureAwait(false);
        if (upgrade && copied == CopyStatus.Done)
        {
            await TunnelAsync(upstream).ConfigureAwait(false);
            exchange.ClientKeepAlive = false;
            return SendResult.Close;
        }

        exchange.ClientKeepAlive = !closeClient && copied == CopyStatus.Done && bodyOk;
        // An upstream aborted while the body copy ran is closed even when the copy then finished (a race with its
        // last flush): it must never go back to the keep-alive pool.
        return _response.KeepAlive && _response.Framing != BodyFraming.CloseDelimited && copied == CopyStatus.Done && bodyOk && !upstreamAborted
            ? SendResult.Reusable
            : SendResult.Close;
    }

    /// <summary>Whether the response just parsed is one the route retries: a 503 with <c>Retry-After: 0</c> for any method, or a status the route names.</summary>
    private RetryableFailure IsRetriedStatus(Exchange exchange)
    {
        int status = _response.StatusCode;
        if (status == 503)
        {
            for (int i = 0; i < _response.HeaderCount; i++)
            {
                if (System.Text.Ascii.EqualsIgnoreCase(_response.NameOf(i), "Retry-After"u8) && _response.ValueOf(i).SequenceEqual("0"u8))
                {
                    return RetryableFailure.RefusedNow;
                }
            }
        }

        return exchange.Retry.RetriesStatus(status) ? RetryableFailure.Status : RetryableFailure.None;
    }

    /// <summary>Arms the wait for the response head: the route's response-head timeout, or the request's total timeout when that comes first.</summary>
    private void ArmResponseHead(Exchange exchange)
    {
        TimeProvider time = _context.Time;
        long now = time.GetTimestamp();
        long head = now + ((long)exchange.ResponseHeaderTimeoutMs * time.TimestampFrequency / 1000);
        if (exchange.TotalDeadline < head)
        {
            ArmAt(DeadlineTotal, exchange.TotalDeadline);
        }
        else
        {
            ArmAt(DeadlineResponseHead, head);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<CopyStatus> CopyResponseChunkedAsync(UpstreamConnection upstream)
    {
        (CopyStatus status, RejectReason reason) = await BodyCopier.CopyChunkedAsync(upstream.Input, _output, long.MaxValue).ConfigureAwait(false);
        if (status == CopyStatus.Malformed)
        {
            _context.Metrics.CountRejection(reason);
        }

        return status;
    }

    /// <summary>Streams the request body to the backend while the response is read.</summary>
    private async Task<(CopyStatus Status, RejectReason Reason)> CopyRequestBodyAsync(UpstreamConnection upstream)
    {
        (CopyStatus Status, RejectReason Reason) copied;
        try
        {
            copied = _request.Framing == BodyFraming.ContentLength
                ? (await BodyCopier.CopyExactAsync(_input, upstream.Output, _request.ContentLength).ConfigureAwait(false), RejectReason.None)
                : await BodyCopier.CopyChunkedAsync(_input, upstream.Output, _exchange.Limits.MaxBodyBytes).ConfigureAwait(false);
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            copied = (CopyStatus.SourceEnded, RejectReason.None);
        }

        if (copied.Status != CopyStatus.Done)
        {
            // The body cannot be completed: end the exchange with the backend now, so the wait
            // for its response ends too and the client gets the body's error.
            upstream.Abort();
        }

        return copied;
    }

    /// <summary>
    /// Waits for the request body copy. Done: the whole body went through, so the client's input is at the next
    /// request (and the upstream may be pooled unless aborted). UpstreamAborted: the upstream connection was
    /// closed here and must not be pooled even if the copy then ended Done.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<(bool Done, bool UpstreamAborted)> FinishRequestBodyAsync(
        Task<(CopyStatus Status, RejectReason Reason)>? body, UpstreamConnection upstream)
    {
        if (body is null)
        {
            return (true, false);
        }

        bool aborted = false;
        if (!body.IsCompleted)
        {
            // The backend answered before the copy ended: stop waiting for client bytes first. A copy that already
            // has its last bytes (it may be finishing its last flush on another thread) still ends Done, and the
            // client connection can go on; a stale cancel is skipped by the next ReadHeadAsync.
            _input.CancelPendingRead();
            if (!body.IsCompleted)
            {
                // Still running (or blocked on a backend that stopped reading): end the exchange with the backend;
                // that connection is never reused, since the body's end may not have reached it.
                upstream.Abort();
                aborted = true;
            }
        }

        (CopyStatus status, RejectReason reason) = await body.ConfigureAwait(false);
        if (status is CopyStatus.Malformed or CopyStatus.TooLarge)
        {
            _context.Metrics.CountRejection(reason);
        }

        return (status == CopyStatus.Done, aborted);
    }

    /// <summary>Ends an exchange that got no usable response: answers <paramref name="status"/> if nothing was sent yet.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<SendResult> FailAsync(
        Exchange exchange, ReadOnlySequence<byte> head, bool headConsumed, Task<(CopyStatus Status, RejectReason Reason)>? body,
        UpstreamConnection upstream, int status, OutcomeError error)
    {
        upstream.Abort();
        if (!headConsumed)
        {
            _input.AdvanceTo(EndOfRequest(head));
        }

        if (body is not null)
        {
            if (!body.IsCompleted)
            {
                _input.CancelPendingRead();
            }

            (CopyStatus copied, RejectReason reason) = await body.ConfigureAwait(false);
            if (copied is CopyStatus.Malformed or CopyStatus.TooLarge)
            {
                // The client's body was at fault, not the backend.
                _context.Metrics.CountRejection(reason);
                status = RejectReasons.StatusCode(reason);
            }
        }

        exchange.Error = error;
        exchange.Status = 0;
        exchange.ClientKeepAlive = false;
        await RespondErrorAsync(status, error).ConfigureAwait(false);
        return SendResult.Close;
    }

    /// <summary>After a 101 answer to an Upgrade request: bytes flow both ways until both sides are done.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask TunnelAsync(UpstreamConnection upstream)
    {
        Task toBackend = PumpAsync(_input, upstream.Output);
        Task toClient = PumpAsync(upstream.Input, _output);
        await Task.WhenAll(toBackend, toClient).ConfigureAwait(false);

        static async Task PumpAsync(PipeReader from, PipeWriter to)
        {
            try
            {
                await BodyCopier.CopyToEndAsync(from, to).ConfigureAwait(false);
            }
            catch (Exception e) when (IsConnectionFailure(e))
            {
            }
            finally
            {
                // Pass the end on, so the other side sees it (half-close).
                await to.CompleteAsync().ConfigureAwait(false);
            }
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<bool> TryFlushAsync(PipeWriter output)
    {
        try
        {
            FlushResult flush = await output.FlushAsync().ConfigureAwait(false);
            return !flush.IsCompleted;
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            return false;
        }
    }
}

using System.IO.Pipelines;
using System.Net.Sockets;
using FastLb.Policy;
using FastLb.Proxy.Configuration;
using FastLb.Proxy.Runtime;
using FastLb.Proxy.Transport;

namespace FastLb.Proxy.Forwarding;

internal sealed partial class HttpProxyConnection
{
    /// <summary>Whether the current request may be hedged: its route hedges, it is idempotent, has no body and is a first attempt.</summary>
    private bool MayHedge(Exchange exchange) =>
        exchange.Hedge is not null && exchange.Attempt == 0 && exchange.HeldBody == 0 && !_request.IsUpgrade
        && _request.Framing == Http.BodyFraming.None && RetryRule.IsIdempotent(_request.Method) && exchange.Pool.Backends.Length > 1;

    /// <summary>
    /// The request went to <paramref name="first"/>; if no response byte comes within the hedge delay and the pool's hedge budget
    /// allows, a second copy goes to another backend and the first to answer wins. The loser's connection is closed and its attempt
    /// completed; the winner is returned (also in <see cref="Exchange.Upstream"/>, with its lease in <see cref="Exchange.Lease"/>),
    /// its answer still unread.
    /// </summary>
    /// <remarks>Runs only for routes that hedge; each such request pays a timer and two task wrappers here.</remarks>
    private async ValueTask<UpstreamConnection> HedgeAsync(UpstreamConnection first, Exchange exchange, HedgeOptions hedge)
    {
        PoolRuntime pool = exchange.Pool;
        double delayMs = hedge.DelayMs > 0 ? hedge.DelayMs : pool.RecentP95Ms;
        if (delayMs <= 0)
        {
            return first;
        }

        TimeProvider time = _context.Time;
        Task<ReadResult> firstRead = first.Input.ReadAsync().AsTask();
        using (var cancelDelay = new CancellationTokenSource())
        {
            Task delay = Task.Delay(TimeSpan.FromMilliseconds(delayMs), time, cancelDelay.Token);
            if (await Task.WhenAny(firstRead, delay).ConfigureAwait(false) == firstRead)
            {
                await cancelDelay.CancelAsync().ConfigureAwait(false);
                await RewindAsync(first, firstRead).ConfigureAwait(false);
                return first;
            }
        }

        if (!pool.HedgeBudget.TryTake())
        {
            await AbandonReadAsync(first, firstRead).ConfigureAwait(false);
            return first;
        }

        // The second copy: another backend, its own lease, the same head.
        RequestFeatures features = exchange.Features;
        features.ExcludeIndex = exchange.Lease.Index;
        int index = pool.Balancer.Acquire(ref features, ref exchange.HedgeLease);
        if (index < 0)
        {
            await AbandonReadAsync(first, firstRead).ConfigureAwait(false);
            return first;
        }

        long hedgeStarted = time.GetTimestamp();
        BackendRuntime secondBackend = pool.Backends[index];
        UpstreamConnection? second = secondBackend.Upstream.TryRent();
        if (second is null)
        {
            try
            {
                second = await secondBackend.Upstream.ConnectAsync(exchange.ConnectTimeout, CancellationToken.None).ConfigureAwait(false);
                secondBackend.Metrics.CountOpened();
            }
            catch (Exception e) when (e is SocketException or TimeoutException)
            {
                secondBackend.OnConnectFailed();
                CompleteLoser(ref exchange.HedgeLease, hedgeStarted, OutcomeError.Connect);
                await AbandonReadAsync(first, firstRead).ConfigureAwait(false);
                return first;
            }
        }

        WriteRequestHead(second.Output);
        if (!await TryFlushAsync(second.Output).ConfigureAwait(false))
        {
            await second.DisposeAsync().ConfigureAwait(false);
            CompleteLoser(ref exchange.HedgeLease, hedgeStarted, OutcomeError.Reset);
            await AbandonReadAsync(first, firstRead).ConfigureAwait(false);
            return first;
        }

        pool.Metrics.CountHedge();
        Task<ReadResult> secondRead = second.Input.ReadAsync().AsTask();
        Task<ReadResult> winner;
        using (var cancelBound = new CancellationTokenSource())
        {
            // Bounded by the response-head timeout: if neither answers, the first goes on alone under its own deadline.
            Task bound = Task.Delay(TimeSpan.FromMilliseconds(exchange.ResponseHeaderTimeoutMs), time, cancelBound.Token);
            Task done = await Task.WhenAny(firstRead, secondRead, bound).ConfigureAwait(false);
            await cancelBound.CancelAsync().ConfigureAwait(false);
            winner = done == secondRead ? secondRead : firstRead;
            if (done == bound)
            {
                await LoseAsync(second, secondRead).ConfigureAwait(false);
                CompleteLoser(ref exchange.HedgeLease, hedgeStarted, OutcomeError.Timeout);
                await AbandonReadAsync(first, firstRead).ConfigureAwait(false);
                return first;
            }
        }

        if (winner == firstRead)
        {
            await LoseAsync(second, secondRead).ConfigureAwait(false);
            CompleteLoser(ref exchange.HedgeLease, hedgeStarted, OutcomeError.Timeout);
            await RewindAsync(first, firstRead).ConfigureAwait(false);
            return first;
        }

        // The copy answered first: the first attempt is the one cancelled, and the copy becomes the exchange's attempt.
        await LoseAsync(first, firstRead).ConfigureAwait(false);
        CompleteLoser(ref exchange.Lease, exchange.Started, OutcomeError.Timeout);
        exchange.Lease = exchange.HedgeLease;
        exchange.HedgeLease = default;
        exchange.Features = features;
        exchange.Features.ExcludeIndex = -1;
        exchange.Decided(secondBackend);
        exchange.Upstream = second;
        pool.Metrics.CountHedgeWon();
        await RewindAsync(second, secondRead).ConfigureAwait(false);
        return second;
    }

    /// <summary>Completes the attempt that lost the race (or never got going): the policy hears it as not answered in time; it is counted in the hedge counters only, never blamed on the backend's breaker, and writes no log row.</summary>
    private void CompleteLoser(ref BackendLease lease, long started, OutcomeError error)
    {
        double ms = _context.Time.GetElapsedTime(started).TotalMilliseconds;
        lease.Complete(new RequestOutcome(ms, ms, 0, error));
        _exchange.Pool.Queue.Release();
    }

    /// <summary>Leaves what a finished read returned in the pipe, so the relay reads it again; a read that failed leaves nothing,
    /// and the relay's own read meets the same failure (and its retry rule) instead of this race.</summary>
    private static async ValueTask RewindAsync(UpstreamConnection upstream, Task<ReadResult> read)
    {
        ReadResult result;
        try
        {
            result = await read.ConfigureAwait(false);
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            return;
        }

        upstream.Input.AdvanceTo(result.Buffer.Start);
    }

    /// <summary>Ends a pending read without consuming anything (a cancel the relay's read loop passes over), so the relay can read.</summary>
    private static async ValueTask AbandonReadAsync(UpstreamConnection upstream, Task<ReadResult> read)
    {
        upstream.Input.CancelPendingRead();
        await RewindAsync(upstream, read).ConfigureAwait(false);
    }

    /// <summary>Closes the connection of the attempt that lost, after its pending read ends.</summary>
    private static async ValueTask LoseAsync(UpstreamConnection upstream, Task<ReadResult> read)
    {
        upstream.Abort();
        try
        {
            ReadResult result = await read.ConfigureAwait(false);
            upstream.Input.AdvanceTo(result.Buffer.End);
        }
        catch (Exception e) when (IsConnectionFailure(e) || e is InvalidOperationException)
        {
            // The read ended with the connection; nothing to consume.
        }

        await upstream.DisposeAsync().ConfigureAwait(false);
    }
}

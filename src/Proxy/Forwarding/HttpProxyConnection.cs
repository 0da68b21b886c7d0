using System.Runtime.CompilerServices;
using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using FastLb.Policy;
using FastLb.Proxy.Http;
using FastLb.Proxy.Logging;
using FastLb.Proxy.Runtime;
using FastLb.Proxy.Transport;

namespace FastLb.Proxy.Forwarding;

/// <summary>One client connection of an HTTP listener: reads requests in order, forwards each, relays the responses.</summary>
/// <remarks>
/// Requests on a connection are handled one at a time, so pipelined requests are answered in
/// order: the next head stays in the input pipe until the current response is done.
/// </remarks>
internal sealed partial class HttpProxyConnection : ITimeoutTarget
{
    private const int DeadlineNone = 0;
    private const int DeadlineIdle = 1;
    private const int DeadlineHeader = 2;
    private const int DeadlineResponseHead = 3;
    private const int DeadlineTotal = 4;
    private const int DeadlineBody = 5;

    private readonly ConnectionContext _context;
    private readonly SocketConnection _client;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly HttpRequestHead _request;
    private readonly HttpResponseHead _response;
    private readonly byte[] _clientAddress;
    private readonly ulong _clientHash;
    private readonly byte[] _requestId = new byte[MaxRequestIdBytes];
    private readonly Exchange _exchange = new();
    private int _requestIdLength;
    private ulong _assignedId;

    private long _deadline;
    private int _deadlineKind;
    private int _expiredKind;
    private int _idle;
    private int _draining;
    private UpstreamConnection? _waitingOn;
    private RoutingSnapshot _routing = null!;

    /// <summary>The longest client-given X-Request-Id echoed in the proxy's own answers.</summary>
    private const int MaxRequestIdBytes = 128;

    /// <summary>Wraps a client connection accepted by the listener of <paramref name="context"/> (the routing snapshot is read per request, so a config reload applies to the next request).</summary>
    public HttpProxyConnection(ConnectionContext context, SocketConnection client)
    {
        _context = context;
        _client = client;
        _input = client.Input;
        _output = client.Output;
        _request = new HttpRequestHead(context.MaxHeaderBytes);
        _response = new HttpResponseHead(context.MaxHeaderBytes);
        IPAddress address = (client.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.Loopback;
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        _clientAddress = System.Text.Encoding.ASCII.GetBytes(address.ToString());
        _clientHash = AffinityKey.Of(client.RemoteEndPoint);
    }

    /// <summary>Serves the connection until either side closes, then closes it.</summary>
    public async Task RunAsync()
    {
        _context.Timeouts.Add(this);
        _context.Metrics.ConnectionOpened();
        try
        {
            while (await ProcessRequestAsync().ConfigureAwait(false))
            {
            }
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            // The client reset or closed mid-request; whatever was picked has been reported.
        }
        finally
        {
            _context.Timeouts.Remove(this);
            await CloseClientAsync().ConfigureAwait(false);
            _context.Metrics.ConnectionClosed();
        }
    }

    /// <summary>True for the exceptions a dying peer causes, which end a connection quietly.</summary>
    internal static bool IsConnectionFailure(Exception e) =>
        e is IOException or SocketException or ObjectDisposedException or OperationCanceledException;

    /// <inheritdoc />
    public void CheckDeadline(long now)
    {
        long deadline = Volatile.Read(ref _deadline);
        if (deadline == 0 || now < deadline)
        {
            return;
        }

        int kind = Volatile.Read(ref _deadlineKind);
        if (Interlocked.CompareExchange(ref _expiredKind, kind, DeadlineNone) != DeadlineNone)
        {
            return;
        }

        if (kind is DeadlineResponseHead or DeadlineTotal)
        {
            Volatile.Read(ref _waitingOn)?.Input.CancelPendingRead();
        }
        else if (kind == DeadlineBody)
        {
            // The total timeout ran out while the response body was relayed: the status is gone
            // already, so the exchange ends by closing the backend connection (the client's follows).
            Volatile.Read(ref _waitingOn)?.Abort();
        }
        else
        {
            _input.CancelPendingRead();
        }
    }

    /// <inheritdoc />
    public void Drain()
    {
        // Paired with the Exchange on _idle in ReadHeadAsync: both sides write with a full fence
        // before reading the other's flag, so an idle connection is always woken or sees the flag.
        Interlocked.Exchange(ref _draining, 1);
        if (Volatile.Read(ref _idle) == 1)
        {
            _input.CancelPendingRead();
        }
    }

    private bool IsDraining => Volatile.Read(ref _draining) == 1;

    private void Arm(int kind, int milliseconds)
    {
        Volatile.Write(ref _deadlineKind, kind);
        TimeProvider time = _context.Time;
        Volatile.Write(ref _deadline, time.GetTimestamp() + (milliseconds * time.TimestampFrequency / 1000));
    }

    private void ArmAt(int kind, long deadline)
    {
        Volatile.Write(ref _deadlineKind, kind);
        Volatile.Write(ref _deadline, deadline);
    }

    private void Disarm() => Volatile.Write(ref _deadline, 0);

    private int TakeExpired() => Interlocked.Exchange(ref _expiredKind, DeadlineNone);

    /// <summary>Reads the next request head; false when the connection should close instead.</summary>
    /// <remarks>The request's routing snapshot (<see cref="_routing"/>) is read once, when its first byte
    /// arrives: its header timeout, route, pool and limits all come from that one generation. The idle
    /// wait before it belongs to the connection and uses the snapshot current when the wait began.</remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<(bool Ok, ReadOnlySequence<byte> Buffer)> ReadHeadAsync()
    {
        _request.Reset();
        Arm(DeadlineIdle, _context.Routing.Config.Limits.IdleTimeoutMs);
        Interlocked.Exchange(ref _idle, 1);
        bool sawBytes = false;
        try
        {
            while (true)
            {
                if (IsDraining && !sawBytes)
                {
                    return (false, default);
                }

                ReadResult result = await _input.ReadAsync().ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                if (result.IsCanceled)
                {
                    int expired = TakeExpired();
                    if (expired == DeadlineHeader || (expired == DeadlineIdle && sawBytes))
                    {
                        _input.AdvanceTo(buffer.Start);
                        await RespondErrorAsync(408, OutcomeError.None).ConfigureAwait(false);
                        return (false, default);
                    }

                    if (expired == DeadlineIdle || (IsDraining && buffer.IsEmpty))
                    {
                        _input.AdvanceTo(buffer.Start);
                        return (false, default);
                    }

                    if (buffer.IsEmpty || (IsDraining && !sawBytes))
                    {
                        _input.AdvanceTo(buffer.Start, buffer.End);
                        continue;
                    }

                    // A cancel left over from the previous request (its body copy was told to stop after
                    // it had read its last byte) while the next request's bytes are already here: parse
                    // them now. Marking them examined would wait for more bytes, which a client that
                    // waits for its answer never sends, and the connection would hang until its idle
                    // timeout.
                }

                if (!sawBytes && !buffer.IsEmpty)
                {
                    sawBytes = true;
                    Volatile.Write(ref _idle, 0);
                    _routing = _context.Routing;
                    Arm(DeadlineHeader, _routing.Config.Limits.HeaderTimeoutMs);
                }

                ParseStatus status = HttpHeadParser.TryParseRequest(buffer, _request, out RejectReason reason);
                if (status == ParseStatus.Complete)
                {
                    return (true, buffer);
                }

                if (status == ParseStatus.Rejected)
                {
                    _input.AdvanceTo(buffer.Start);
                    _context.Metrics.CountRejection(reason);
                    SetUnknownRequestId();
                    await RespondErrorAsync(RejectReasons.StatusCode(reason), OutcomeError.None).ConfigureAwait(false);
                    return (false, default);
                }

                if (result.IsCompleted)
                {
                    _input.AdvanceTo(buffer.Start);
                    if (!buffer.IsEmpty)
                    {
                        // The client closed in the middle of a head: nothing to answer to.
                        _context.Metrics.CountRejection(RejectReason.MalformedRequestLine);
                    }

                    return (false, default);
                }

                _input.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        finally
        {
            Volatile.Write(ref _idle, 0);
            Disarm();
        }
    }

    private void SetUnknownRequestId()
    {
        _assignedId = _context.RequestIds.Next();
        _requestIdLength = RequestIds.Format(_assignedId, _requestId);
    }

    private ReadOnlySpan<byte> RequestIdBytes => _requestId.AsSpan(0, _requestIdLength);

    /// <summary>Answers with the proxy's own short response and counts it; the connection closes after.</summary>
    /// <param name="status">The status to answer with (one of <see cref="ErrorResponses.Statuses"/>).</param>
    /// <param name="error">What went wrong on the way, if anything.</param>
    /// <param name="retryAfter">Adds <c>Retry-After: 1</c>: the policy shed the request.</param>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask RespondErrorAsync(int status, OutcomeError error, bool retryAfter = false)
    {
        _context.Metrics.CountErrorResponse(status);
        if (_requestIdLength == 0)
        {
            SetUnknownRequestId();
        }

        try
        {
            ErrorResponses.Write(_output, status, RequestIdBytes, retryAfter);
            await _output.FlushAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            // The client is gone; the answer had nobody to go to.
        }
    }

    private ValueTask CloseClientAsync() => _client.DisposeAsync();
}

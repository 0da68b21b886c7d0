using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using FastLb.Policy;
using FastLb.Proxy.Edge;
using FastLb.Proxy.Http;

namespace FastLb.Proxy.Forwarding;

internal sealed partial class HttpProxyConnection
{
    // The verified token of the request in progress, whose subject and roles go to the backend, and the
    // check that verified it (its header names are removed from what the client sent); both null on a
    // route that checks no token.
    private JwtIdentity? _identity;
    private JwtValidator? _identityCheck;

    /// <summary>Runs the matched route's rate limit and JWT checks; <see cref="EdgeVerdict.Pass"/> at once for a route without them.</summary>
    /// <remarks>Hot path: guarded by ProxyRelayBenchmarks (no checks) and RateLimiterBenchmarks.</remarks>
    private EdgeVerdict CheckEdge(RouteEdge? edge, long started)
    {
        _identity = null;
        _identityCheck = null;
        return edge is null ? EdgeVerdict.Pass : CheckRouteEdge(edge, started);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private EdgeVerdict CheckRouteEdge(RouteEdge edge, long started)
    {
        ReadOnlySpan<byte> authorization = default;
        long nowUnixSeconds = 0;
        if (edge.Jwt is not null)
        {
            nowUnixSeconds = _context.Time.GetUtcNow().ToUnixTimeSeconds();
            for (int i = 0; i < _request.HeaderCount; i++)
            {
                if (System.Text.Ascii.EqualsIgnoreCase(_request.NameOf(i), "Authorization"u8))
                {
                    authorization = _request.ValueOf(i);
                    break;
                }
            }
        }

        EdgeVerdict verdict = edge.Check(_clientHash, started, authorization, nowUnixSeconds, out JwtIdentity? identity);
        if (identity is not null)
        {
            _identity = identity;
            _identityCheck = edge.Jwt;
        }

        return verdict;
    }

    /// <summary>True when header <paramref name="index"/> of the request is one the route's JWT check forwards itself: the client's copy is not passed on.</summary>
    private bool IsIdentityField(int index)
    {
        ReadOnlySpan<byte> name = _request.NameOf(index);
        JwtValidator check = _identityCheck!;
        return System.Text.Ascii.EqualsIgnoreCase(name, check.SubjectHeader) || System.Text.Ascii.EqualsIgnoreCase(name, check.RolesHeader);
    }

    /// <summary>Answers a request a route's checks refused (429, 401, 403); true when the connection stays open.</summary>
    /// <remarks>A request without a body leaves nothing unread, so an HTTP/1.1 keep-alive connection
    /// stays open, as it would after any answer: a limited client is not made to reconnect. Other
    /// refusals close it, as the proxy's other error answers do.</remarks>
    private async ValueTask<bool> RespondEdgeAsync(EdgeVerdict verdict, ReadOnlySequence<byte> head)
    {
        _input.AdvanceTo(head.GetPosition(_request.Length));
        // The answer carries a body, which a HEAD request's client would not read: that connection closes.
        bool keepOpen = _request.Framing == BodyFraming.None && _request.KeepAlive && !_request.IsUpgrade
            && _request.Version == HttpVersion.Http11 && _request.Method != RequestMethod.Head && !IsDraining;
        _context.Metrics.CountErrorResponse(verdict.Status);
        try
        {
            ErrorResponses.WriteRefusal(_output, verdict.Status, RequestIdBytes, close: !keepOpen, verdict.RetryAfterSeconds, verdict.Fields);
            FlushResult flush = await _output.FlushAsync().ConfigureAwait(false);
            return keepOpen && !flush.IsCompleted;
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            return false;
        }
    }
}

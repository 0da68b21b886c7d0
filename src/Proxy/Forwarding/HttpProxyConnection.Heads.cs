using System.Buffers;
using System.IO.Pipelines;
using FastLb.Proxy.Edge;
using FastLb.Proxy.Http;

namespace FastLb.Proxy.Forwarding;

internal sealed partial class HttpProxyConnection
{
    /// <summary>Writes the request head for the backend: hop-by-hop fields removed (RFC 9110 7.6.1), forwarding fields added.</summary>
    /// <remarks>Hot path: guarded by ProxyRelayBenchmarks. Copies byte ranges of the parsed head; builds no strings.</remarks>
    private void WriteRequestHead(PipeWriter output)
    {
        ReadOnlySpan<byte> bytes = _request.Bytes.Span;
        output.Write(_request.MethodBytes);
        output.Write(" "u8);
        if (_request.Form == TargetForm.Absolute)
        {
            // RFC 9112 3.2.2: the authority moves to Host; the backend gets origin-form.
            output.Write(_request.PathLength == 0 ? "/"u8 : _request.Path);
        }
        else
        {
            output.Write(_request.Target);
        }

        output.Write(_request.Version == HttpVersion.Http10 ? " HTTP/1.0\r\n"u8 : " HTTP/1.1\r\n"u8);

        bool forwardedFor = false;
        JwtIdentity? identity = _identity;
        for (int i = 0; i < _request.HeaderCount; i++)
        {
            ref readonly HeaderEntry header = ref _request.Headers[i];
            // On a route that checks a JWT, the identity headers come from the verified token only.
            if (identity is not null && IsIdentityField(i))
            {
                continue;
            }

            switch (header.Known)
            {
                case KnownHeader.Connection or KnownHeader.KeepAlive or KnownHeader.ProxyConnection or KnownHeader.Te:
                case KnownHeader.XForwardedProto:
                    continue;
                case KnownHeader.Upgrade when !_request.IsUpgrade:
                    continue;
                case KnownHeader.Host when _request.Form == TargetForm.Absolute:
                    continue;
                case KnownHeader.XForwardedFor:
                    forwardedFor = true;
                    continue;
            }

            // Connection: upgrade names Upgrade, yet Upgrade must travel when the tunnel is wanted.
            if (header.IsConnectionListed && !(header.Known == KnownHeader.Upgrade && _request.IsUpgrade))
            {
                continue;
            }

            output.Write(bytes.Slice(header.NameStart, header.ValueStart + header.ValueLength - header.NameStart));
            output.Write("\r\n"u8);
        }

        if (_request.Form == TargetForm.Absolute)
        {
            output.Write("Host: "u8);
            output.Write(_request.Host);
            output.Write("\r\n"u8);
        }

        // RFC 7239 predecessor convention: append this hop's client to any list already present.
        output.Write("X-Forwarded-For: "u8);
        if (forwardedFor)
        {
            for (int i = 0; i < _request.HeaderCount; i++)
            {
                if (_request.Headers[i].Known == KnownHeader.XForwardedFor)
                {
                    output.Write(_request.ValueOf(i));
                    output.Write(", "u8);
                }
            }
        }

        output.Write(_clientAddress);
        output.Write("\r\nX-Forwarded-Proto: http\r\n"u8);
        // Only when the client sent none: an over-long id of the client's is forwarded as it came.
        if (_request.RequestIdHeader < 0)
        {
            output.Write("X-Request-Id: "u8);
            output.Write(RequestIdBytes);
            output.Write("\r\n"u8);
        }

        if (identity is not null)
        {
            output.Write(identity.ForwardedFields);
        }

        if (_request.IsUpgrade)
        {
            output.Write("Connection: upgrade\r\n"u8);
        }
        else if (_request.Version == HttpVersion.Http10)
        {
            // An HTTP/1.0 request is close-by-default; ask the backend to keep the connection for reuse.
            output.Write("Connection: keep-alive\r\n"u8);
        }

        output.Write("\r\n"u8);
    }

    /// <summary>Writes the response head for the client: HTTP/1.1 status line, hop-by-hop fields removed, our Connection field.</summary>
    /// <remarks>Hot path: guarded by ProxyRelayBenchmarks.</remarks>
    private void WriteResponseHead(bool closeClient, bool upgrade)
    {
        PipeWriter output = _output;
        ReadOnlySpan<byte> bytes = _response.Bytes.Span;
        int status = _response.StatusCode;
        Span<byte> line = stackalloc byte[13];
        "HTTP/1.1 "u8.CopyTo(line);
        line[9] = (byte)('0' + (status / 100));
        line[10] = (byte)('0' + (status / 10 % 10));
        line[11] = (byte)('0' + (status % 10));
        line[12] = (byte)' ';
        output.Write(line);
        output.Write(_response.Reason);
        output.Write("\r\n"u8);

        for (int i = 0; i < _response.HeaderCount; i++)
        {
            ref readonly HeaderEntry header = ref _response.Headers[i];
            switch (header.Known)
            {
                case KnownHeader.Connection or KnownHeader.KeepAlive or KnownHeader.ProxyConnection or KnownHeader.Te:
                    continue;
                case KnownHeader.Upgrade when !upgrade:
                    continue;
            }

            if (header.IsConnectionListed && !(header.Known == KnownHeader.Upgrade && upgrade))
            {
                continue;
            }

            output.Write(bytes.Slice(header.NameStart, header.ValueStart + header.ValueLength - header.NameStart));
            output.Write("\r\n"u8);
        }

        if (upgrade)
        {
            output.Write("Connection: upgrade\r\n\r\n"u8);
        }
        else if (closeClient)
        {
            output.Write("Connection: close\r\n\r\n"u8);
        }
        else if (_request.Version == HttpVersion.Http10)
        {
            output.Write("Connection: keep-alive\r\n\r\n"u8);
        }
        else
        {
            output.Write("\r\n"u8);
        }
    }
}

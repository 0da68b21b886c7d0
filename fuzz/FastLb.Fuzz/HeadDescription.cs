using System.Text;
using FastLb.Proxy.Http;

namespace FastLb.Fuzz;

/// <summary>A parse outcome as text, so that two parses compare with one string equality and a failure shows both.</summary>
internal static class HeadDescription
{
    /// <summary>
    /// Status and reason, and for a complete head everything the proxy reads from it, by value; with
    /// <paramref name="withLayout"/> also the head's length and the byte offsets (which a re-serialized head changes).
    /// </summary>
    public static string Describe(ParseStatus status, RejectReason reason, HttpMessageHead head, bool withLayout)
    {
        var text = new StringBuilder();
        text.Append(status);
        if (status == ParseStatus.Rejected)
        {
            return text.Append(' ').Append(reason).ToString();
        }

        if (status != ParseStatus.Complete)
        {
            return text.ToString();
        }

        text.Append(" version=").Append(head.Version).Append(" framing=").Append(head.Framing)
            .Append(" cl=").Append(head.ContentLength).Append(" keepAlive=").Append(head.KeepAlive)
            .Append(" upgrade=").Append(head.IsUpgrade).Append(" listed=").Append(head.HasConnectionListed);
        if (withLayout)
        {
            text.Append(" length=").Append(head.Length);
        }

        if (head is HttpRequestHead request)
        {
            text.Append(" method=").Append(request.Method).Append('/').Append(Show(request.MethodBytes))
                .Append(" target=").Append(Show(request.Target)).Append(" form=").Append(request.Form)
                .Append(" host=").Append(Show(request.Host)).Append(" path=").Append(Show(request.Path))
                .Append(" expect=").Append(request.ExpectContinue)
                .Append(" hostLine=").Append(request.HostHeader).Append(" requestId=").Append(request.RequestIdHeader)
                .Append(" xff=").Append(request.ForwardedForHeader);
            if (withLayout)
            {
                text.Append(" at=").Append(request.TargetStart).Append(',').Append(request.HostStart).Append(',').Append(request.PathStart);
            }
        }
        else if (head is HttpResponseHead response)
        {
            text.Append(" status=").Append(response.StatusCode).Append(" reason=").Append(Show(response.Reason));
        }

        for (int i = 0; i < head.HeaderCount; i++)
        {
            HeaderEntry e = head.Headers[i];
            text.Append(" [").Append(Show(head.NameOf(i))).Append('=').Append(Show(head.ValueOf(i)))
                .Append(' ').Append(e.Known).Append(e.IsConnectionListed ? " listed" : string.Empty);
            if (withLayout)
            {
                text.Append(" @").Append(e.NameStart).Append(',').Append(e.ValueStart);
            }

            text.Append(']');
        }

        return text.ToString();
    }

    /// <summary>Bytes as Latin-1 with control bytes escaped.</summary>
    private static string Show(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length);
        foreach (byte b in bytes)
        {
            if (b < 0x20 || b >= 0x7F || b == (byte)'\\')
            {
                text.Append("\\x").Append(b.ToString("X2"));
            }
            else
            {
                text.Append((char)b);
            }
        }

        return text.ToString();
    }
}

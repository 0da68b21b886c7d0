using System.Text;
using FastLb.Proxy.Http;

namespace FastLb.Proxy.Tests.Http;

/// <summary>Renders everything a parse produced as one string, so two parses can be compared in one assertion.</summary>
internal static class HeadDescriber
{
    /// <summary>Describes a request parse: status, reason and (when complete) every property and field line.</summary>
    public static string Describe(ParseStatus status, RejectReason reason, HttpRequestHead head)
    {
        var sb = new StringBuilder();
        sb.Append(status).Append(' ').Append(reason).Append('\n');
        if (status != ParseStatus.Complete)
        {
            return sb.ToString();
        }

        sb.Append("method=").Append(head.Method).Append(' ').Append(Text(head.MethodBytes))
            .Append(" target=").Append(Text(head.Target)).Append(' ').Append(head.Form)
            .Append(" host=").Append(Text(head.Host)).Append(" path=").Append(Text(head.Path))
            .Append(" expect=").Append(head.ExpectContinue)
            .Append(" rid=").Append(head.RequestIdHeader).Append(" xff=").Append(head.ForwardedForHeader)
            .Append(" hosthdr=").Append(head.HostHeader).Append('\n');
        AppendCommon(sb, head);
        return sb.ToString();
    }

    /// <summary>Describes a response parse.</summary>
    public static string Describe(ParseStatus status, RejectReason reason, HttpResponseHead head)
    {
        var sb = new StringBuilder();
        sb.Append(status).Append(' ').Append(reason).Append('\n');
        if (status != ParseStatus.Complete)
        {
            return sb.ToString();
        }

        sb.Append("status=").Append(head.StatusCode).Append(" reason=").Append(Text(head.Reason)).Append('\n');
        AppendCommon(sb, head);
        return sb.ToString();
    }

    /// <summary>The bytes as Latin-1 text.</summary>
    public static string Text(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    private static void AppendCommon(StringBuilder sb, HttpMessageHead head)
    {
        sb.Append("length=").Append(head.Length).Append(" version=").Append(head.Version)
            .Append(" framing=").Append(head.Framing).Append(" cl=").Append(head.ContentLength)
            .Append(" keepalive=").Append(head.KeepAlive).Append(" upgrade=").Append(head.IsUpgrade)
            .Append(" listed=").Append(head.HasConnectionListed).Append('\n')
            .Append("bytes=").Append(Text(head.Bytes.Span)).Append('\n');
        for (int i = 0; i < head.HeaderCount; i++)
        {
            HeaderEntry e = head.Headers[i];
            sb.Append(e.NameStart).Append(',').Append(e.NameLength).Append(',').Append(e.ValueStart).Append(',')
                .Append(e.ValueLength).Append(' ').Append(e.Known).Append(' ').Append(e.IsConnectionListed).Append(' ')
                .Append(Text(head.NameOf(i))).Append(": [").Append(Text(head.ValueOf(i))).Append("]\n");
        }
    }
}

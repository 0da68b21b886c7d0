using FastLb.Proxy.Http;

namespace FastLb.Proxy.Tests.Http;

public class KnownHeadersTests
{
    [Theory]
    [InlineData("Host", nameof(KnownHeader.Host))]
    [InlineData("HOST", nameof(KnownHeader.Host))]
    [InlineData("content-length", nameof(KnownHeader.ContentLength))]
    [InlineData("Content-Length", nameof(KnownHeader.ContentLength))]
    [InlineData("Transfer-Encoding", nameof(KnownHeader.TransferEncoding))]
    [InlineData("connection", nameof(KnownHeader.Connection))]
    [InlineData("Keep-Alive", nameof(KnownHeader.KeepAlive))]
    [InlineData("Proxy-Connection", nameof(KnownHeader.ProxyConnection))]
    [InlineData("TE", nameof(KnownHeader.Te))]
    [InlineData("Trailer", nameof(KnownHeader.Trailer))]
    [InlineData("Upgrade", nameof(KnownHeader.Upgrade))]
    [InlineData("expect", nameof(KnownHeader.Expect))]
    [InlineData("X-Forwarded-For", nameof(KnownHeader.XForwardedFor))]
    [InlineData("x-forwarded-proto", nameof(KnownHeader.XForwardedProto))]
    [InlineData("X-Request-ID", nameof(KnownHeader.XRequestId))]
    [InlineData("Hosts", nameof(KnownHeader.Other))]
    [InlineData("Hos", nameof(KnownHeader.Other))]
    [InlineData("Content-Lengths", nameof(KnownHeader.Other))]
    [InlineData("Content_Length", nameof(KnownHeader.Other))]
    [InlineData("Te_", nameof(KnownHeader.Other))]
    [InlineData("Accept", nameof(KnownHeader.Other))]
    [InlineData("X-Forwarded-Host", nameof(KnownHeader.Other))]
    public void Classify_Name_CaseInsensitiveExactMatch(string name, string expectedName)
    {
        KnownHeader expected = Enum.Parse<KnownHeader>(expectedName);
        Assert.Equal(expected, KnownHeaders.Classify(Sequences.Bytes(name)));
    }
}

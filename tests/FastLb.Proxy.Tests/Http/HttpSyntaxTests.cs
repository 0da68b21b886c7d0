using FastLb.Proxy.Http;

namespace FastLb.Proxy.Tests.Http;

public class HttpSyntaxTests
{
    [Theory]
    [InlineData("example.com")]
    [InlineData("example.com:8080")]
    [InlineData("example.com:")]
    [InlineData("EXAMPLE.com:65535")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:80")]
    [InlineData("[::1]")]
    [InlineData("[2001:db8::1]:443")]
    [InlineData("[::ffff:10.0.0.1]")]
    [InlineData("my_host-1.local")]
    [InlineData("a%2Fb")]
    [InlineData("sub-delims!$&'()*+,;=")]
    public void IsValidAuthority_Valid_True(string authority)
    {
        Assert.True(HttpSyntax.IsValidAuthority(Sequences.Bytes(authority)));
    }

    [Theory]
    [InlineData("")]
    [InlineData(":80")]
    [InlineData("a:65536")]
    [InlineData("a:123456")]
    [InlineData("a:8o")]
    [InlineData("a b")]
    [InlineData("user@a")]
    [InlineData("a/b")]
    [InlineData("a?b")]
    [InlineData("a%2")]
    [InlineData("a%zz")]
    [InlineData("[]")]
    [InlineData("[::1")]
    [InlineData("[::1]x")]
    [InlineData("[::1]:x")]
    [InlineData("[1.2.3.4]")]
    [InlineData("[v1.fe80::a]")]
    [InlineData("caf\u00E9")]
    [InlineData("a\"b")]
    public void IsValidAuthority_Invalid_False(string authority)
    {
        Assert.False(HttpSyntax.IsValidAuthority(Sequences.Bytes(authority)));
    }
}

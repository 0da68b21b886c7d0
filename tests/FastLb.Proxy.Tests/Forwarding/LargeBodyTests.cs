using System.Net;
using FastLb.Proxy.Tests.Infrastructure;

namespace FastLb.Proxy.Tests.Forwarding;

public sealed class LargeBodyTests
{
    private const int FiftyMiB = 50 * 1024 * 1024;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Post_50MiB_StreamedToBackendIntact(bool chunked)
    {
        await using TestBackend backend = await TestBackend.StartAsync("b");
        await using ProxyHost proxy = await ProxyHost.StartAsync([backend.Address]);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri, Timeout = TimeSpan.FromMinutes(2) };
        byte[] payload = new byte[FiftyMiB];
        new Random(50).NextBytes(payload);
        long sum = 0;
        foreach (byte b in payload)
        {
            sum += b;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/count") { Content = new StreamContent(new MemoryStream(payload)) };
        if (chunked)
        {
            request.Headers.TransferEncodingChunked = true;
        }
        else
        {
            request.Content.Headers.ContentLength = payload.Length;
        }

        using HttpResponseMessage response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"{FiftyMiB} {sum}", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/size/52428800")]
    [InlineData("/chunked/52428800")]
    public async Task Get_50MiB_StreamedToClientIntact(string path)
    {
        await using TestBackend backend = await TestBackend.StartAsync("b");
        await using ProxyHost proxy = await ProxyHost.StartAsync([backend.Address]);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri, Timeout = TimeSpan.FromMinutes(2) };

        using HttpResponseMessage response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        await using Stream body = await response.Content.ReadAsStreamAsync();
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            total += read;
        }

        Assert.Equal(FiftyMiB, total);
    }
}

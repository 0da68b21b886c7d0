using FastLb.Proxy.Logging;
using FastLb.Proxy.Tests.Infrastructure;
using FastLb.RequestLog;

namespace FastLb.Proxy.Tests.Logging;

public sealed class RequestLogTests
{
    [Fact]
    public async Task ProxiedRequests_OneCsvRecordEach_WithDesignColumns()
    {
        string path = Path.Combine(Path.GetTempPath(), $"fastlb-log-{Guid.NewGuid():N}", "requests.csv");
        await using TestBackend backend = await TestBackend.StartAsync("b");
        ProxyHost proxy = await ProxyHost.StartAsync([backend.Address], configure: o => o.RequestLog.Path = path);
        using (var client = new HttpClient { BaseAddress = proxy.BaseUri })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/hello");
            request.Headers.Add("X-Request-Id", "given,with-comma");
            await client.SendAsync(request);
            await client.PostAsync("/echo", new StringContent("12345"));
            await client.GetAsync("/status/503");
        }

        await proxy.DisposeAsync();
        string[] lines = await File.ReadAllLinesAsync(path);

        Assert.Equal(RequestLogCsv.Header, lines[0]);
        Assert.Equal(4, lines.Length);
        var fields = new List<string>();
        Assert.True(RequestLogCsv.TrySplitLine(lines[1], fields));
        var row = RequestLogCsv.Columns.Zip(fields).ToDictionary(p => p.First, p => p.Second);
        Assert.Equal("given,with-comma", row["request_id"]);
        Assert.Equal("main", row["pool"]);
        Assert.Equal(backend.Address, row["backend"]);
        Assert.Equal("GET", row["method"]);
        Assert.Equal("0", row["req_bytes"]);
        Assert.Equal("200", row["status"]);
        Assert.Equal("round_robin", row["policy"]);
        Assert.Equal("", row["error"]);
        Assert.True(double.Parse(row["latency_ms"], System.Globalization.CultureInfo.InvariantCulture) > 0);

        Assert.True(RequestLogCsv.TrySplitLine(lines[2], fields));
        row = RequestLogCsv.Columns.Zip(fields).ToDictionary(p => p.First, p => p.Second);
        Assert.Matches("^[0-9a-f]{16}$", row["request_id"]);
        Assert.Equal("POST", row["method"]);
        Assert.Equal("5", row["req_bytes"]);
        Assert.Contains(",503,", lines[3]);
        Assert.Equal(3, proxy.Server.Metrics.LogRecordsWritten);
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }

    [Fact]
    public async Task RetriedRequest_OneRowPerAttempt_SameRequestIdNumberedAttempts()
    {
        // Round robin sends the first request to a backend that refuses connections: that attempt
        // and its retry on the live backend are two rows of one request.
        string path = Path.Combine(Path.GetTempPath(), $"fastlb-log-{Guid.NewGuid():N}", "requests.csv");
        await using TestBackend live = await TestBackend.StartAsync("live");
        string dead = $"127.0.0.1:{Forwarding.HttpErrorTests.FreePort()}";
        ProxyHost proxy = await ProxyHost.StartAsync([dead, live.Address], configure: o => o.RequestLog.Path = path);
        using (var client = new HttpClient { BaseAddress = proxy.BaseUri })
        {
            Assert.Equal("hello from live", await client.GetStringAsync("/hello"));
        }

        await proxy.DisposeAsync();
        string[] lines = await File.ReadAllLinesAsync(path);

        Assert.Equal(3, lines.Length);
        var rows = new List<Dictionary<string, string>>();
        foreach (string line in lines.Skip(1))
        {
            var fields = new List<string>();
            Assert.True(RequestLogCsv.TrySplitLine(line, fields));
            rows.Add(RequestLogCsv.Columns.Zip(fields).ToDictionary(p => p.First, p => p.Second));
        }

        Assert.Equal(rows[0]["request_id"], rows[1]["request_id"]);
        Assert.Equal(["0", "1"], rows.Select(r => r["attempt"]));
        Assert.Equal([dead, live.Address], rows.Select(r => r["backend"]));
        Assert.Equal(["connect", ""], rows.Select(r => r["error"]));
        Assert.Equal(["0", "200"], rows.Select(r => r["status"]));
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }

    [Fact]
    public void LogRing_Full_RefusesWithoutWaiting()
    {
        var ring = new LogRing<long>(4);
        for (long i = 0; i < 4; i++)
        {
            Assert.True(ring.TryEnqueue(i));
        }

        Assert.False(ring.TryEnqueue(99));
        Assert.True(ring.TryDequeue(out long first));
        Assert.Equal(0, first);
        Assert.True(ring.TryEnqueue(4));
    }

    [Fact]
    public async Task LogRing_ManyProducers_EveryItemOnceInProducerOrder()
    {
        var ring = new LogRing<long>(1 << 16);
        const int producers = 4, perProducer = 10000;
        await Task.WhenAll(Enumerable.Range(0, producers).Select(p => Task.Run(() =>
        {
            for (long i = 0; i < perProducer; i++)
            {
                Assert.True(ring.TryEnqueue((p * 1_000_000L) + i));
            }
        })));

        var last = new long[producers];
        Array.Fill(last, -1);
        int count = 0;
        while (ring.TryDequeue(out long item))
        {
            int producer = (int)(item / 1_000_000);
            long sequence = item % 1_000_000;
            Assert.True(sequence > last[producer]);
            last[producer] = sequence;
            count++;
        }

        Assert.Equal(producers * perProducer, count);
    }

    [Fact]
    public void LogRing_SteadyState_AllocatesNothing()
    {
        var ring = new LogRing<RequestLogEntry>(1024);
        var entry = new RequestLogEntry { Pool = "p", Backend = "b", Policy = "round_robin" };
        for (int i = 0; i < 100; i++)
        {
            ring.TryEnqueue(entry);
            ring.TryDequeue(out _);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10000; i++)
        {
            ring.TryEnqueue(entry);
            ring.TryDequeue(out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}

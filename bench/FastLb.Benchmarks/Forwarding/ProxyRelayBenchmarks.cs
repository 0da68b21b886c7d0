using System.Net;
using System.Net.Sockets;
using System.Text;
using BenchmarkDotNet.Attributes;
using FastLb.Proxy;
using FastLb.Proxy.Configuration;

namespace FastLb.Benchmarks.Forwarding;

/// <summary>
/// One GET answered with 200 bytes, over a kept-alive loopback connection: straight to the
/// backend (baseline) and through the proxy. The memory diagnoser counts the whole process, so the
/// proxy's own allocations per request show in the Allocated column of the proxied case.
/// </summary>
[MemoryDiagnoser]
public class ProxyRelayBenchmarks
{
    private static readonly byte[] s_request = Encoding.ASCII.GetBytes("GET /item HTTP/1.1\r\nHost: bench\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n");

    private FixedResponder _backend = null!;
    private ProxyServer _proxy = null!;
    private Socket _direct = null!;
    private Socket _proxied = null!;
    private readonly byte[] _buffer = new byte[4096];

    [GlobalSetup]
    public void Setup()
    {
        _backend = new FixedResponder();
        var options = new ProxyOptions
        {
            Admin = new AdminOptions { Listen = "127.0.0.1:0" },
            Listeners = [new ListenerOptions { Name = "bench", Listen = "127.0.0.1:0", Pool = "bench" }],
            Pools = [new PoolOptions { Name = "bench", Backends = [new BackendOptions { Address = _backend.EndPoint.ToString() }] }],
        };
        _proxy = new ProxyServer(ConfigValidator.Validate(options));
        _proxy.StartAsync().GetAwaiter().GetResult();
        _direct = Connect(_backend.EndPoint);
        _proxied = Connect(_proxy.Listeners[0].EndPoint);
    }

    private static Socket Connect(IPEndPoint endPoint)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect(endPoint);
        return socket;
    }

    [Benchmark(Baseline = true)]
    public Task<int> Direct() => RoundTripAsync(_direct);

    [Benchmark]
    public Task<int> ThroughProxy() => RoundTripAsync(_proxied);

    // Reads until the 200-byte body has arrived; throws when the answer is not a 200, so a broken
    // relay cannot look fast.
    private async Task<int> RoundTripAsync(Socket socket)
    {
        await socket.SendAsync(s_request, SocketFlags.None);
        int total = 0;
        int expected = -1;
        while (expected < 0 || total < expected)
        {
            int read = await socket.ReceiveAsync(_buffer.AsMemory(total), SocketFlags.None);
            if (read == 0)
            {
                throw new InvalidOperationException("connection closed");
            }

            total += read;
            if (expected < 0)
            {
                int end = _buffer.AsSpan(0, total).IndexOf("\r\n\r\n"u8);
                if (end >= 0)
                {
                    if (!_buffer.AsSpan(0, 12).SequenceEqual("HTTP/1.1 200"u8))
                    {
                        throw new InvalidOperationException("not a 200: " + Encoding.ASCII.GetString(_buffer, 0, total));
                    }

                    expected = end + 4 + 200;
                }
            }
        }

        return total;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _direct.Dispose();
        _proxied.Dispose();
        _proxy.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _backend.Dispose();
    }
}

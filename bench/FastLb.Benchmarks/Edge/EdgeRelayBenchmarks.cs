using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using FastLb.Benchmarks.Forwarding;
using FastLb.Proxy;
using FastLb.Proxy.Configuration;

namespace FastLb.Benchmarks.Edge;

/// <summary>
/// One GET through the proxy over a kept-alive loopback connection, on a route without checks
/// (baseline), on a rate-limited route (a bucket per client and one for the route, never spent), and on
/// a route that checks a JWT (the same HS256 token each time, so from the cache) and forwards its
/// subject and roles. The memory diagnoser counts the whole process: what the checks add per request
/// shows as the difference in the Allocated column.
/// </summary>
[MemoryDiagnoser]
public class EdgeRelayBenchmarks
{
    private const string Secret = "a shared secret of at least thirty-two bytes";
    private FixedResponder _backend = null!;
    private ProxyServer _proxy = null!;
    private Socket _socket = null!;
    private byte[] _plain = null!;
    private byte[] _limited = null!;
    private byte[] _jwt = null!;
    private readonly byte[] _buffer = new byte[4096];

    /// <summary>Starts the backend and a proxy with the three routes.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _backend = new FixedResponder();
        var fast = new TokenBucketOptions { Rate = 1_000_000, Burst = 1_000_000 };
        var options = new ProxyOptions
        {
            Admin = new AdminOptions { Listen = "127.0.0.1:0" },
            Listeners = [new ListenerOptions { Name = "bench", Listen = "127.0.0.1:0", Pool = "bench" }],
            Routes =
            [
                new RouteOptions { Listener = "bench", PathPrefix = "/item", Pool = "bench" },
                new RouteOptions { Listener = "bench", PathPrefix = "/limited", Pool = "bench", RateLimit = new RateLimitOptions { PerClient = fast, Route = fast } },
                new RouteOptions
                {
                    Listener = "bench", PathPrefix = "/jwt", Pool = "bench",
                    Jwt = new JwtOptions { Keys = [new JwtKeyOptions { Alg = "HS256", Secret = Secret }], Issuer = "https://issuer.test", Audience = "shop", RequiredRoles = ["reader"] },
                },
            ],
            Pools = [new PoolOptions { Name = "bench", Backends = [new BackendOptions { Address = _backend.EndPoint.ToString() }] }],
        };
        _proxy = new ProxyServer(ConfigValidator.Validate(options));
        _proxy.StartAsync().GetAwaiter().GetResult();
        _socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _socket.Connect(_proxy.Listeners[0].EndPoint);

        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string input = Part("""{"alg":"HS256","typ":"JWT"}""") + "." + Part($$"""{"sub":"alice","iss":"https://issuer.test","aud":"shop","roles":["reader"],"exp":{{now + 86400}}}""");
        string token = input + "." + Base64Url.EncodeToString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.ASCII.GetBytes(input)));
        _plain = Request("/item", "");
        _limited = Request("/limited", "");
        _jwt = Request("/jwt", $"Authorization: Bearer {token}\r\nX-Auth-Subject: mallory\r\n");
    }

    /// <summary>A route without checks.</summary>
    [Benchmark(Baseline = true)]
    public Task<int> NoChecks() => RoundTripAsync(_plain);

    /// <summary>A route with a per-client and a route bucket.</summary>
    [Benchmark]
    public Task<int> RateLimited() => RoundTripAsync(_limited);

    /// <summary>A route with a JWT check, the token in the cache.</summary>
    [Benchmark]
    public Task<int> JwtCached() => RoundTripAsync(_jwt);

    /// <summary>Closes the connection, the proxy and the backend.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _socket.Dispose();
        _proxy.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _backend.Dispose();
    }

    private static string Part(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

    private static byte[] Request(string path, string extra) =>
        Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: bench\r\nUser-Agent: bench\r\nAccept: */*\r\n{extra}\r\n");

    // Reads until the 200-byte body has arrived; throws when the answer is not a 200 (a refused check
    // is a 401 or 429), so a broken route cannot look fast.
    private async Task<int> RoundTripAsync(byte[] request)
    {
        await _socket.SendAsync(request, SocketFlags.None);
        int total = 0;
        int expected = -1;
        while (expected < 0 || total < expected)
        {
            int read = await _socket.ReceiveAsync(_buffer.AsMemory(total), SocketFlags.None);
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
}

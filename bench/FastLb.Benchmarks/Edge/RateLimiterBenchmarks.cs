using BenchmarkDotNet.Attributes;
using FastLb.Proxy.Configuration;
using FastLb.Proxy.Edge;

namespace FastLb.Benchmarks.Edge;

/// <summary>One rate-limit check, one thread: a token taken from a client's bucket (1,024 client addresses in turn), refused by a spent bucket, and with the route's bucket too.</summary>
/// <remarks>Guards every <c>// Hot path: guarded by RateLimiterBenchmarks</c>. Goal: 0 B, tens of nanoseconds.
/// The clock moves a microsecond a call, so the allowing buckets (a million tokens a second) never run dry.</remarks>
[MemoryDiagnoser]
public class RateLimiterBenchmarks
{
    private const int Clients = 1024;
    private readonly ulong[] _clients = new ulong[Clients];
    private RateLimiter _perClient = null!;
    private RateLimiter _spent = null!;
    private RateLimiter _both = null!;
    private long _stamp;
    private long _ticksPerMicro;
    private int _next;
    private long _allowed;
    private long _refused;

    /// <summary>Builds the limiters and the client addresses' hashes.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(11);
        for (int i = 0; i < Clients; i++)
        {
            _clients[i] = (ulong)random.NextInt64();
        }

        TimeProvider time = TimeProvider.System;
        var fast = new TokenBucketConfig(1_000_000, 1_000_000);
        _perClient = new RateLimiter(new RateLimitConfig(fast, null, 16384), time);
        _spent = new RateLimiter(new RateLimitConfig(new TokenBucketConfig(1.0 / 86400, 1), null, 16384), time);
        _both = new RateLimiter(new RateLimitConfig(fast, fast, 16384), time);
        _stamp = time.GetTimestamp();
        _ticksPerMicro = Math.Max(1, time.TimestampFrequency / 1_000_000);

        // The spent bucket's one token, taken before measuring: every measured call is a refusal.
        _spent.TryAcquire(_clients[0], _stamp, out _, out _);
    }

    /// <summary>A token from the bucket of the next client address.</summary>
    [Benchmark(Baseline = true)]
    public bool PerClientAllowed() => Count(_perClient.TryAcquire(NextClient(), NextStamp(), out _, out _));

    /// <summary>A refusal with its Retry-After, from a spent bucket.</summary>
    [Benchmark]
    public bool PerClientRefused() => Count(_spent.TryAcquire(_clients[0], NextStamp(), out _, out _));

    /// <summary>The client's bucket, then the route's.</summary>
    [Benchmark]
    public bool PerClientAndRouteAllowed() => Count(_both.TryAcquire(NextClient(), NextStamp(), out _, out _));

    /// <summary>Fails the run when a benchmark's outcome was not the one it claims to measure.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        if (_allowed > 0 && _refused > 0)
        {
            throw new InvalidOperationException($"mixed outcomes: {_allowed} allowed, {_refused} refused");
        }
    }

    private ulong NextClient() => _clients[_next++ & (Clients - 1)];

    private long NextStamp() => _stamp += _ticksPerMicro;

    private bool Count(bool allowed)
    {
        if (allowed)
        {
            _allowed++;
        }
        else
        {
            _refused++;
        }

        return allowed;
    }
}

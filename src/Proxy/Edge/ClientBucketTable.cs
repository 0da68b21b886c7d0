using System.Runtime.CompilerServices;
using FastLb.Proxy.Configuration;

namespace FastLb.Proxy.Edge;

/// <summary>Token buckets per client address in a fixed table: memory stays bounded however many addresses arrive.</summary>
/// <remarks>
/// <para>The table is set-associative, like a CPU cache: a client's address hash picks a set of
/// <see cref="Ways"/> slots, and a 16-bit tag from other bits of the hash marks which client a slot
/// belongs to. Each slot is one <see cref="long"/>: the tag in the top 16 bits and the bucket's
/// <c>full</c> time (<see cref="TokenBucket"/>, microseconds, 48 bits: 8.9 years) below, so one
/// compare-and-swap moves a bucket or hands a slot to another client, and no lock is taken.</para>
/// <para>A client without a slot in its set takes one whose bucket is full again (its owner is idle,
/// so nothing is lost by forgetting it). When every slot of the set is busy with other clients, the
/// client is charged to the fullest of them: a collision can make a limit stricter for the clients
/// who share a bucket, never looser, and only while all the set's buckets are in use.</para>
/// </remarks>
internal sealed class ClientBucketTable
{
    /// <summary>Slots per set.</summary>
    public const int Ways = 4;

    private const int TagShift = 48;
    private const long TimeMask = (1L << TagShift) - 1;

    private readonly long[] _slots;
    private readonly int _setMask;
    private readonly TokenBucket _bucket;

    /// <summary>Makes a table of <paramref name="slots"/> (a power of two, at least <see cref="Ways"/>) buckets of <paramref name="bucket"/>.</summary>
    public ClientBucketTable(TokenBucketConfig bucket, int slots)
    {
        _bucket = new TokenBucket(bucket);
        _slots = new long[slots];
        _setMask = (slots / Ways) - 1;
    }

    /// <summary>The bucket every client gets.</summary>
    public TokenBucket Bucket => _bucket;

    /// <summary>Buckets in the table.</summary>
    public int Slots => _slots.Length;

    /// <summary>Takes a token from the bucket of the client whose address hashes to <paramref name="clientHash"/>.</summary>
    /// <param name="clientHash">The client's address hash (any 64-bit hash; it is mixed here).</param>
    /// <param name="now">Microseconds on the limiter's clock, below 2^48.</param>
    /// <param name="waitMicros">When refused, microseconds until the client's next token.</param>
    /// <remarks>Hot path: guarded by RateLimiterBenchmarks. No lock, no allocation: a few reads and one compare-and-swap.</remarks>
    public bool TryTake(ulong clientHash, long now, out long waitMicros)
    {
        // A multiplicative mix (Fibonacci hashing): set index and tag from well-spread bits.
        ulong mixed = clientHash * 0x9E3779B97F4A7C15UL;
        long tag = (long)(mixed >> TagShift);
        int set = (int)(mixed >> 20) & _setMask;
        ref long first = ref _slots[set * Ways];
        Span<long> seen = stackalloc long[Ways];
        while (true)
        {
            int own = -1;
            int idle = -1;
            int fullest = 0;
            long fullestTime = long.MaxValue;
            for (int w = 0; w < Ways; w++)
            {
                long slot = Volatile.Read(ref Unsafe.Add(ref first, w));
                seen[w] = slot;
                long full = slot & TimeMask;
                if (slot != 0 && (slot >>> TagShift) == tag)
                {
                    own = w;
                    break;
                }

                if (full <= now && idle < 0)
                {
                    idle = w;
                }

                if (full < fullestTime)
                {
                    fullestTime = full;
                    fullest = w;
                }
            }

            // Its own slot; else an idle one, which starts full for its new owner; else the fullest busy
            // one, shared: it keeps its owner's tag and time.
            int way = own >= 0 ? own : idle >= 0 ? idle : fullest;
            long before = seen[way];
            long current = own < 0 && idle >= 0 ? 0 : before & TimeMask;
            long owner = own < 0 && idle < 0 ? before >>> TagShift : tag;
            if (!_bucket.TryTake(current, now, out long next, out waitMicros))
            {
                return false;
            }

            // Compared with the value scanned: a slot another request moved or took meanwhile makes
            // this one look again, so no update is ever lost or applied to the wrong client.
            if (Interlocked.CompareExchange(ref Unsafe.Add(ref first, way), (owner << TagShift) | next, before) == before)
            {
                return true;
            }
        }
    }

    /// <summary>Tokens the bucket of <paramref name="clientHash"/> holds at <paramref name="now"/>; the full burst when it has no slot.</summary>
    public double TokensOf(ulong clientHash, long now)
    {
        ulong mixed = clientHash * 0x9E3779B97F4A7C15UL;
        long tag = (long)(mixed >> TagShift);
        int set = (int)(mixed >> 20) & _setMask;
        for (int w = 0; w < Ways; w++)
        {
            long slot = Volatile.Read(ref _slots[(set * Ways) + w]);
            if (slot != 0 && (slot >>> TagShift) == tag)
            {
                return _bucket.TokensAt(slot & TimeMask, now);
            }
        }

        return _bucket.Burst;
    }
}

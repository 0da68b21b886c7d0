using FastLb.Policy.Selection;

namespace FastLb.Policy.Baselines;

/// <summary>An immutable consistent-hash ring: <see cref="VirtualNodes"/> points per backend, placed by a hash of the backend's id.</summary>
/// <remarks>
/// Points depend on the id only, not on the position or on the other backends, so removing one of
/// N backends moves only the keys that were on its points (about 1/N), and a reload that reorders
/// the pool moves none. Sorted arrays (hash, position) are searched by binary search.
/// </remarks>
internal sealed class HashRingSnapshot
{
    /// <summary>Points per backend: enough that shares stay within a few percent of even.</summary>
    public const int VirtualNodes = 160;

    private HashRingSnapshot(BackendState[] backends, ulong[] points, int[] owners)
    {
        Backends = backends;
        Points = points;
        Owners = owners;
    }

    /// <summary>The backends the ring was built for, by position.</summary>
    public BackendState[] Backends { get; }

    /// <summary>Ring points in ascending order.</summary>
    public ulong[] Points { get; }

    /// <summary>Position of the backend owning each point.</summary>
    public int[] Owners { get; }

    /// <summary>Index in <see cref="Points"/> of the first point at or after <paramref name="hash"/>, wrapping to 0.</summary>
    public int FirstAtOrAfter(ulong hash)
    {
        ulong[] points = Points;
        int low = 0;
        int high = points.Length;
        while (low < high)
        {
            int middle = (int)((uint)(low + high) >> 1);
            if (points[middle] < hash)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low == points.Length ? 0 : low;
    }

    /// <summary>Builds the ring for the backends as they are now.</summary>
    public static HashRingSnapshot Build(ReadOnlySpan<BackendState> backends)
    {
        var copy = backends.ToArray();
        var points = new ulong[copy.Length * VirtualNodes];
        var owners = new int[points.Length];
        int n = 0;
        for (int i = 0; i < copy.Length; i++)
        {
            ulong idHash = HashId(copy[i].Id);
            for (int v = 0; v < VirtualNodes; v++)
            {
                points[n] = SplitMix64Random.Mix(idHash + ((ulong)v * 0x9E3779B97F4A7C15UL));
                owners[n] = i;
                n++;
            }
        }

        Array.Sort(points, owners);
        return new HashRingSnapshot(copy, points, owners);
    }

    /// <summary>A stable 64-bit hash of a backend id (FNV-1a over its UTF-16 code units, then mixed); never string.GetHashCode, which is randomised per process.</summary>
    public static ulong HashId(string id)
    {
        ulong hash = 0xCBF29CE484222325UL;
        foreach (char c in id)
        {
            hash = (hash ^ c) * 0x100000001B3UL;
        }

        return SplitMix64Random.Mix(hash);
    }
}

namespace FastLb.Proxy.Logging;

/// <summary>A bounded lock-free queue of structs: many producers, one consumer; a full queue refuses instead of waiting.</summary>
/// <remarks>
/// Dmitry Vyukov's bounded MPMC queue, used with a single consumer. Each cell carries a sequence
/// number: a producer claims a position with one compare-and-swap on the tail, writes the item,
/// then publishes it by setting the cell's sequence; the consumer reads only published cells.
/// No allocation after construction, no lock, and a producer never spins on a full queue.
/// </remarks>
internal sealed class LogRing<T> where T : struct
{
    private readonly Cell[] _cells;
    private readonly long _mask;
    private PaddedLong _tail;
    private PaddedLong _head;

    /// <summary>Creates a ring holding at least <paramref name="capacity"/> items (rounded up to a power of two).</summary>
    public LogRing(int capacity)
    {
        int size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(2, capacity));
        _cells = new Cell[size];
        for (int i = 0; i < size; i++)
        {
            _cells[i].Sequence = i;
        }

        _mask = size - 1;
    }

    /// <summary>Items the ring can hold.</summary>
    public int Capacity => _cells.Length;

    /// <summary>Adds an item; false when the ring is full.</summary>
    /// <remarks>Hot path: guarded by ProxyRelayBenchmarks.</remarks>
    public bool TryEnqueue(in T item)
    {
        long position = Volatile.Read(ref _tail.Value);
        while (true)
        {
            ref Cell cell = ref _cells[position & _mask];
            long sequence = Volatile.Read(ref cell.Sequence);
            long difference = sequence - position;
            if (difference == 0)
            {
                long seen = Interlocked.CompareExchange(ref _tail.Value, position + 1, position);
                if (seen == position)
                {
                    cell.Item = item;
                    Volatile.Write(ref cell.Sequence, position + 1);
                    return true;
                }

                position = seen;
            }
            else if (difference < 0)
            {
                return false;
            }
            else
            {
                position = Volatile.Read(ref _tail.Value);
            }
        }
    }

    /// <summary>Takes the oldest published item; only one thread may call this.</summary>
    public bool TryDequeue(out T item)
    {
        long position = _head.Value;
        ref Cell cell = ref _cells[position & _mask];
        if (Volatile.Read(ref cell.Sequence) != position + 1)
        {
            item = default;
            return false;
        }

        item = cell.Item;
        cell.Item = default;
        _head.Value = position + 1;
        Volatile.Write(ref cell.Sequence, position + _mask + 1);
        return true;
    }

    private struct Cell
    {
        public long Sequence;
        public T Item;
    }
}

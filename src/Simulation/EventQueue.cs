namespace FastLb.Simulation;

/// <summary>The simulator's future events: a binary min-heap on (time, insertion order) over a growable array of structs.</summary>
/// <remarks>
/// Ties are broken by insertion order so that a run is the same for a seed whatever the heap's
/// internal layout; <see cref="PriorityQueue{TElement, TPriority}"/> does not promise that.
/// </remarks>
internal sealed class EventQueue
{
    private SimEvent[] _heap = new SimEvent[256];
    private long _sequence;

    /// <summary>Events waiting.</summary>
    public int Count { get; private set; }

    /// <summary>Time of the earliest event; +infinity when empty.</summary>
    public double PeekTime => Count == 0 ? double.PositiveInfinity : _heap[0].Time;

    /// <summary>Adds an event.</summary>
    public void Push(double time, SimEventKind kind, int a, int b = 0)
    {
        if (Count == _heap.Length)
        {
            Array.Resize(ref _heap, _heap.Length * 2);
        }

        var item = new SimEvent(time, _sequence++, kind, a, b);
        int i = Count++;
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (!item.Precedes(_heap[parent]))
            {
                break;
            }

            _heap[i] = _heap[parent];
            i = parent;
        }

        _heap[i] = item;
    }

    /// <summary>Removes and returns the earliest event; the queue must not be empty.</summary>
    public SimEvent Pop()
    {
        SimEvent top = _heap[0];
        int count = --Count;
        if (count > 0)
        {
            SimEvent last = _heap[count];
            int i = 0;
            while (true)
            {
                int child = (2 * i) + 1;
                if (child >= count)
                {
                    break;
                }

                if (child + 1 < count && _heap[child + 1].Precedes(_heap[child]))
                {
                    child++;
                }

                if (!_heap[child].Precedes(last))
                {
                    break;
                }

                _heap[i] = _heap[child];
                i = child;
            }

            _heap[i] = last;
        }

        return top;
    }
}

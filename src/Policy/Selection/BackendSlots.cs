namespace FastLb.Policy.Selection;

/// <summary>Maps a reported <see cref="BackendState"/> back to its position, for policies that keep per-backend arrays.</summary>
/// <remarks>
/// <see cref="IRoutingPolicy.Report"/> is given the backend, not its index. Picks note the backend
/// at its index (a read, and a write only the first time or after a reload), and reports find it
/// again from the hint <see cref="Balancer"/> leaves in <see cref="RequestFeatures.PickedIndex"/>,
/// else by a scan of references. Slots are written with <see cref="Volatile"/>; a stale slot only
/// makes a report scan, never misattribute, since the match is by reference.
/// </remarks>
internal sealed class BackendSlots
{
    private readonly BackendState?[] _slots;

    /// <summary>Room for <paramref name="capacity"/> positions; backends beyond it keep no per-backend state.</summary>
    public BackendSlots(int capacity) => _slots = new BackendState?[Math.Max(capacity, 1)];

    /// <summary>How many positions are tracked.</summary>
    public int Capacity => _slots.Length;

    /// <summary>The backend last seen at <paramref name="index"/>, or null.</summary>
    public BackendState? this[int index] => Volatile.Read(ref _slots[index]);

    /// <summary>Records that <paramref name="backend"/> is at <paramref name="index"/>.</summary>
    public void Note(int index, BackendState backend)
    {
        if ((uint)index < (uint)_slots.Length && !ReferenceEquals(Volatile.Read(ref _slots[index]), backend))
        {
            Volatile.Write(ref _slots[index], backend);
        }
    }

    /// <summary>Position of <paramref name="backend"/>, trying <paramref name="hint"/> first; -1 when it was never noted.</summary>
    public int IndexOf(BackendState backend, int hint)
    {
        BackendState?[] slots = _slots;
        if ((uint)hint < (uint)slots.Length && ReferenceEquals(Volatile.Read(ref slots[hint]), backend))
        {
            return hint;
        }

        for (int i = 0; i < slots.Length; i++)
        {
            if (ReferenceEquals(Volatile.Read(ref slots[i]), backend))
            {
                return i;
            }
        }

        return -1;
    }
}

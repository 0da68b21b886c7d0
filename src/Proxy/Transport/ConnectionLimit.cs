namespace FastLb.Proxy.Transport;

/// <summary>
/// The client connections held across all listeners, against <c>limits.maxConnections</c>: an accept loop reserves a
/// slot before it hands a socket on and the slot is released when the handler's task ends.
/// </summary>
internal sealed class ConnectionLimit
{
    private readonly Func<int> _max;
    private long _held;

    /// <summary>Creates a limit that reads its maximum from <paramref name="max"/> at each accept (so a reload applies at once).</summary>
    public ConnectionLimit(Func<int> max) => _max = max;

    /// <summary>Connections holding a slot now.</summary>
    public long Held => Volatile.Read(ref _held);

    /// <summary>Takes a slot, or returns false when <c>maxConnections</c> are held already.</summary>
    public bool TryReserve()
    {
        int max = _max();
        long held = Interlocked.Increment(ref _held);
        if (held > max)
        {
            Interlocked.Decrement(ref _held);
            return false;
        }

        return true;
    }

    /// <summary>Gives a slot back.</summary>
    public void Release() => Interlocked.Decrement(ref _held);
}

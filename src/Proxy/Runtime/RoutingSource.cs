namespace FastLb.Proxy.Runtime;

/// <summary>Holds the <see cref="RoutingSnapshot"/> in use: read with one volatile read by every request, replaced whole by a reload.</summary>
internal sealed class RoutingSource(RoutingSnapshot initial)
{
    private RoutingSnapshot _current = initial;

    /// <summary>The snapshot in use now.</summary>
    public RoutingSnapshot Current => Volatile.Read(ref _current);

    /// <summary>Makes <paramref name="next"/> the snapshot that new requests and connections route by.</summary>
    public void Publish(RoutingSnapshot next) => Volatile.Write(ref _current, next);
}

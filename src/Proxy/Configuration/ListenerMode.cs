namespace FastLb.Proxy.Configuration;

/// <summary>What a listener speaks to its clients.</summary>
internal enum ListenerMode : byte
{
    /// <summary>HTTP/1.1, routed per request.</summary>
    Http,

    /// <summary>Raw TCP, one backend per connection, bytes unparsed.</summary>
    Tcp,
}

namespace FastLb.Proxy.Configuration;

/// <summary>Where an affinity key comes from.</summary>
internal enum HashKeyKind : byte
{
    /// <summary>The client's IP address.</summary>
    Client,

    /// <summary>The value of a named request header.</summary>
    Header,

    /// <summary>The value of a named cookie.</summary>
    Cookie,
}

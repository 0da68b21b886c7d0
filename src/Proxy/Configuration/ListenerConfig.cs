using System.Net;

namespace FastLb.Proxy.Configuration;

/// <summary>A validated listener.</summary>
internal sealed record ListenerConfig(string Name, IPEndPoint EndPoint, ListenerMode Mode, string? Pool, bool Splice = true);

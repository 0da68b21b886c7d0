using System.Net;
using FastLb.Proxy.Configuration;

namespace FastLb.Proxy.Runtime;

/// <summary>A listener and the address it actually bound (port 0 resolved).</summary>
internal sealed record BoundListener(ListenerConfig Config, IPEndPoint EndPoint);

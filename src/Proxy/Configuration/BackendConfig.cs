using System.Net;

namespace FastLb.Proxy.Configuration;

/// <summary>A validated backend: its address as written (the backend id) and where to connect.</summary>
internal sealed record BackendConfig(string Address, EndPoint EndPoint, int Weight);

namespace FastLb.Architecture.Tests;

/// <summary>A dependency from one namespace to another, with the first type pair seen that makes it.</summary>
/// <param name="From">The using namespace.</param>
/// <param name="To">The used namespace.</param>
/// <param name="Example">One use behind the edge, e.g. "FastLb.Proxy.Forwarding.Forwarder (method Send (body)) uses FastLb.Proxy.ProxyServer".</param>
internal sealed record NamespaceEdge(string From, string To, string Example);

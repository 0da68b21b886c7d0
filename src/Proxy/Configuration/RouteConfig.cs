namespace FastLb.Proxy.Configuration;

/// <summary>A validated route; <see cref="Host"/> is lower case without port, null for any host.</summary>
internal sealed record RouteConfig(string Listener, string? Host, string PathPrefix, string Pool);

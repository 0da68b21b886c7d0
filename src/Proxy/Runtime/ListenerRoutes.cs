using FastLb.Proxy.Configuration;

namespace FastLb.Proxy.Runtime;

/// <summary>Where one bound listener sends its traffic under one config: its router (http) or its pool (tcp).</summary>
/// <param name="Config">The listener's config in this generation (its pool and splice may change on reload; name, address and mode never do).</param>
/// <param name="Router">The router of an http listener; null for tcp.</param>
/// <param name="Pool">The pool of a tcp listener, or an http listener's default pool; null when none.</param>
internal sealed record ListenerRoutes(ListenerConfig Config, Router? Router, PoolRuntime? Pool);

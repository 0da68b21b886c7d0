namespace FastLb.Proxy.Configuration;

/// <summary>Config reloads so far, for <c>/status</c> and <c>/metrics</c>; immutable, replaced whole after each attempt.</summary>
/// <param name="Generation">The generation running: 1 for the config loaded at start, one more per reload applied.</param>
/// <param name="LoadedAt">When the running generation was loaded.</param>
/// <param name="Applied">Reloads applied since start.</param>
/// <param name="Refused">Reloads refused since start (invalid file, or a change only a restart can make).</param>
/// <param name="Last">The last attempt, null before the first.</param>
/// <param name="LastAt">When the last attempt ended.</param>
internal sealed record ReloadStatus(long Generation, DateTimeOffset LoadedAt, long Applied, long Refused, ReloadResult? Last, DateTimeOffset? LastAt);

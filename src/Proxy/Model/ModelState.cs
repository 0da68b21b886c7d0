using FastLb.Policy.Prediction;

namespace FastLb.Proxy.Model;

/// <summary>The model in use and the history of reloads, published as one immutable value.</summary>
/// <param name="Model">The model in use, null when none.</param>
/// <param name="LoadedAt">When it was loaded.</param>
/// <param name="Reloads">New versions swapped in since start.</param>
/// <param name="Failures">Files refused since start.</param>
/// <param name="LastError">Why the last refused file was refused; null after a good load.</param>
internal sealed record ModelState(TreeLatencyModel? Model, DateTimeOffset? LoadedAt, long Reloads, long Failures, string? LastError);

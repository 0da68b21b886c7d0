namespace FastLb.Backends.Inventory;

/// <summary>How a confirm or release ended.</summary>
internal enum TransitionStatus
{
    /// <summary>Done now or already done before (idempotent).</summary>
    Ok,

    /// <summary>No such reservation.</summary>
    NotFound,

    /// <summary>The reservation's state forbids it (confirm after expiry or release).</summary>
    Conflict,
}

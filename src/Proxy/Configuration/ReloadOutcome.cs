namespace FastLb.Proxy.Configuration;

/// <summary>How a config reload ended.</summary>
internal enum ReloadOutcome
{
    /// <summary>The new config runs (possibly with no change at all).</summary>
    Applied,

    /// <summary>The file was refused as a whole (invalid, or changes what only a restart can); the old config keeps running.</summary>
    Refused,

    /// <summary>The proxy runs from command-line flags: there is no file to reload.</summary>
    NoFile,

    /// <summary>The proxy is not running (starting or draining).</summary>
    NotRunning,
}

namespace FastLb.Proxy.Configuration;

/// <summary>Where a config reload reads the config from: the file given to <c>--config</c>, with the overrides the command line applied at start.</summary>
/// <param name="Path">The config file, shown in <c>/status</c> and in log lines.</param>
/// <param name="Load">Reads and validates the file; throws <see cref="ConfigException"/> naming every bad field.</param>
internal sealed record ConfigSource(string Path, Func<ProxyConfig> Load)
{
    /// <summary>The file at <paramref name="path"/> through <see cref="ConfigLoader.LoadFile"/>, as it is.</summary>
    public static ConfigSource FromFile(string path) => new(path, () => ConfigLoader.LoadFile(path));
}

namespace FastLb.Proxy.Configuration;

/// <summary>A config that cannot be used; <see cref="Errors"/> names every offending field.</summary>
internal sealed class ConfigException(IReadOnlyList<string> errors)
    : Exception("invalid config:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", errors))
{
    /// <summary>One line per problem, each starting with the field's path.</summary>
    public IReadOnlyList<string> Errors { get; } = errors;
}

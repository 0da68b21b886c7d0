namespace FastLb.Simulation;

/// <summary>A scenario file that cannot be used: the message names the file and every offending field by its JSON path.</summary>
internal sealed class ScenarioException : Exception
{
    /// <summary>Creates the exception from the file and its errors.</summary>
    public ScenarioException(string source, IReadOnlyList<string> errors)
        : base($"{source}: {string.Join("; ", errors)}")
    {
        Source = source;
        Errors = errors;
    }

    /// <summary>The file (or other source) of the scenario.</summary>
    public new string Source { get; }

    /// <summary>Each error, starting with the JSON path of the field, e.g. <c>$.backends[0].service.meanMs: must be above 0</c>.</summary>
    public IReadOnlyList<string> Errors { get; }
}

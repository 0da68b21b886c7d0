using FastLb.Policy.Prediction;
using FastLb.RequestLog;

namespace FastLb.Training;

/// <summary>One training run asked for: where the rows come from, where the model goes, the budget.</summary>
internal sealed record LatencyTrainingRequest
{
    /// <summary>The exact command line, recorded in the report.</summary>
    public required string Command { get; init; }

    /// <summary>Request-log files or folders; empty when <see cref="Source"/> is set.</summary>
    public IReadOnlyList<string> Logs { get; init; } = [];

    /// <summary>Reads the rows from elsewhere (PostgreSQL), coding categories with the vocabularies given; used when <see cref="Logs"/> is empty.</summary>
    public Func<FeatureVocabulary, FeatureVocabulary, RequestLogReadResult>? Source { get; init; }

    /// <summary>Names <see cref="Source"/> in the report.</summary>
    public string SourceName { get; init; } = string.Empty;

    /// <summary>A request log to validate on instead of the latest part of the training rows.</summary>
    public string? ValidationPath { get; init; }

    /// <summary>Fraction of rows, the latest by time, to validate on when <see cref="ValidationPath"/> is not set.</summary>
    public double ValidationFraction { get; init; } = 0.2;

    /// <summary>Where the model file goes; the reports go beside it.</summary>
    public required string ModelPath { get; init; }

    /// <summary>The training budget.</summary>
    public LatencyTrainingOptions Options { get; init; } = new();
}

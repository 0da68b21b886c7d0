using System.Globalization;
using System.Text;
using System.Text.Json;
using FastLb.Policy.Prediction;

namespace FastLb.Training;

/// <summary>What one <c>fastlb train</c> run did: data, split, budget, metrics against baselines, importances; as JSON and as Markdown (docs/FORMATS.md, "Training report").</summary>
/// <param name="Command">The exact command line.</param>
/// <param name="Inputs">What was read: files, or the PostgreSQL table.</param>
/// <param name="ModelPath">Where the model was written.</param>
/// <param name="Split">How validation rows were chosen, in words.</param>
/// <param name="Lines">Data lines read (all inputs).</param>
/// <param name="BadLines">Lines skipped as bad.</param>
/// <param name="BadLineSamples">The first few bad lines.</param>
/// <param name="Bytes">Bytes read.</param>
/// <param name="Backends">Distinct backends in the training data.</param>
/// <param name="Routes">Distinct routes in the training data.</param>
/// <param name="Options">The training budget.</param>
/// <param name="LoadSeconds">Seconds reading the inputs.</param>
/// <param name="TotalSeconds">Seconds for the whole run.</param>
/// <param name="Result">The trained model and its scores.</param>
internal sealed record LatencyTrainingReport(
    string Command,
    IReadOnlyList<string> Inputs,
    string ModelPath,
    string Split,
    long Lines,
    long BadLines,
    IReadOnlyList<string> BadLineSamples,
    long Bytes,
    int Backends,
    int Routes,
    LatencyTrainingOptions Options,
    double LoadSeconds,
    double TotalSeconds,
    LatencyTrainingResult Result)
{
    /// <summary>The JSON report of <c>fastlb train</c> (docs/FORMATS.md): metrics and baselines first, then the run's details.</summary>
    public byte[] ToJson(bool indented)
    {
        LatencyModelHeader header = Result.Model.Header;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
        {
            json.WriteStartObject();
            json.WriteNumber("records", header.TrainRecords + header.ValidationRecords);
            json.WriteNumber("train_records", header.TrainRecords);
            json.WriteNumber("validation_records", header.ValidationRecords);
            json.WriteNumber("seconds", Math.Round(TotalSeconds, 3));
            LatencyModelFile.WriteMetrics(json, Result.Validation);
            json.WriteStartObject("baselines");
            foreach (var (name, metrics) in Result.Baselines)
            {
                json.WriteStartObject(name);
                LatencyModelFile.WriteMetrics(json, metrics);
                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteString("model", ModelPath);

            // The run's details: data read, split, budget, importances, provenance.
            json.WriteNumber("lines", Lines);
            json.WriteNumber("bad_lines", BadLines);
            json.WriteStartArray("bad_line_samples");
            foreach (string sample in BadLineSamples)
            {
                json.WriteStringValue(sample);
            }

            json.WriteEndArray();
            json.WriteNumber("bytes", Bytes);
            json.WriteNumber("backends", Backends);
            json.WriteNumber("routes", Routes);
            json.WriteString("split", Split);
            json.WriteNumber("load_seconds", Math.Round(LoadSeconds, 3));
            json.WriteNumber("train_seconds", Math.Round(Result.TrainSeconds, 3));
            json.WriteNumber("rounds_run", Result.RoundsRun);
            json.WriteNumber("trees", Result.TreeCount);
            json.WriteStartObject("params");
            json.WriteNumber("trees", Options.Trees);
            json.WriteNumber("leaves", Options.Leaves);
            json.WriteNumber("learning_rate", Options.LearningRate);
            json.WriteNumber("min_examples_per_leaf", Options.MinExamplesPerLeaf);
            json.WriteNumber("early_stopping", Options.EarlyStopping);
            json.WriteNumber("max_bin", Options.MaxBins);
            json.WriteEndObject();
            json.WriteStartObject("feature_importance_gain");
            foreach (var (name, share) in Result.Importance)
            {
                json.WriteNumber(name, Math.Round(share, 6));
            }

            json.WriteEndObject();
            json.WriteNumber("evaluator_max_abs_diff_ms", Result.EvaluatorMaxAbsDiffMs);
            json.WriteString("feature_version", header.FeatureVersion);
            json.WriteString("trainer", header.Trainer);
            json.WriteString("trained_at", header.TrainedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            json.WriteStartArray("inputs");
            foreach (string input in Inputs)
            {
                json.WriteStringValue(input);
            }

            json.WriteEndArray();
            json.WriteString("command", Command);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>The Markdown report written beside the model.</summary>
    public string ToMarkdown()
    {
        LatencyModelHeader header = Result.Model.Header;
        var md = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        md.Append(c, $"# Latency model: {Path.GetFileName(ModelPath)}\n\n");
        md.Append("Made by:\n\n```\n").Append(Command).Append("\n```\n\n");
        md.Append(c, $"Trained {header.TrainedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC with {header.Trainer}, features {header.FeatureVersion}.\n\n");
        md.Append("## Data\n\n");
        md.Append(c, $"- inputs: {string.Join(", ", Inputs)}\n");
        md.Append(c, $"- {Lines:N0} lines, {BadLines:N0} bad, {Bytes / 1e6:0.0} MB, read in {LoadSeconds:0.00} s\n");
        foreach (string sample in BadLineSamples)
        {
            md.Append(c, $"  - {sample}\n");
        }

        md.Append(c, $"- {header.TrainRecords:N0} training rows, {header.ValidationRecords:N0} validation rows ({Split})\n");
        md.Append(c, $"- {Backends} backends, {Routes} routes\n\n");
        md.Append("## Training\n\n");
        md.Append(c, $"FastTree regression, squared error, {Options.Leaves} leaves, learning rate {Options.LearningRate}, at least {Options.MinExamplesPerLeaf} rows a leaf, {Options.MaxBins} bins, up to {Options.Trees} trees, ");
        md.Append(Options.EarlyStopping > 0 ? string.Create(c, $"early stopping at {Options.EarlyStopping:P1} above the best validation loss; ") : "no early stopping; ");
        md.Append(c, $"grew {Result.RoundsRun} trees, kept {Result.TreeCount}, {Result.TrainSeconds:0.00} s; whole run {TotalSeconds:0.00} s.\n");
        md.Append(c, $"Managed evaluator vs ML.NET on the validation rows: largest difference {Result.EvaluatorMaxAbsDiffMs:G3} ms.\n\n");
        md.Append("## Validation\n\n");
        md.Append("| predictor | RMSE ms | MAE ms | R2 | p50 abs err ms | p90 abs err ms |\n|---|---:|---:|---:|---:|---:|\n");
        AppendRow(md, "model", Result.Validation);
        foreach (var (name, metrics) in Result.Baselines)
        {
            AppendRow(md, name, metrics);
        }

        md.Append("\n## Feature importance (share of total split gain)\n\n| feature | gain share |\n|---|---:|\n");
        foreach (var (name, share) in Result.Importance)
        {
            md.Append(c, $"| {name} | {share:P1} |\n");
        }

        return md.ToString();
    }

    private static void AppendRow(StringBuilder md, string name, RegressionMetrics m) =>
        md.Append(CultureInfo.InvariantCulture, $"| {name} | {m.RmseMs:0.000} | {m.MaeMs:0.000} | {m.R2:0.0000} | {m.P50AbsErrorMs:0.000} | {m.P90AbsErrorMs:0.000} |\n");
}

using System.Globalization;
using System.Text.Json;

namespace FastLb.Policy.Prediction;

/// <summary>The model file: our JSON header (format, features, vocabularies, metrics) and the trees.</summary>
/// <remarks>
/// Format version 2 (written now) stores the trees itself (<see cref="RegressionTree"/>'s layout,
/// exported from ML.NET FastTree), so serving needs no training library. Format version 1 files,
/// from the XGBoost trainer, embed XGBoost's JSON model; they still load, through the same managed
/// evaluator. A file whose format, feature version or feature list differs from this code's is
/// refused: the features would be fed in the wrong order or meaning. Only bytes in and out here:
/// the trainer writes the file (FastLb.Training), the proxy and the simulator read it and hand the
/// bytes to <see cref="Parse"/>.
/// </remarks>
internal static class LatencyModelFile
{
    /// <summary>The <c>format</c> field every model file carries.</summary>
    public const string Format = "fastlb-latency-model";

    /// <summary>Version of the file layout written: trees stored in <see cref="RegressionTree"/>'s layout.</summary>
    public const int FormatVersion = 2;

    /// <summary>The older layout that is still read: XGBoost's own JSON model embedded.</summary>
    public const int XGBoostFormatVersion = 1;

    /// <summary>The bytes of a model file (format version <see cref="FormatVersion"/>).</summary>
    /// <param name="header">Everything but the trees.</param>
    /// <param name="bias">The prediction before any tree.</param>
    /// <param name="trees">The trees, in the order they are added.</param>
    public static byte[] Serialize(LatencyModelHeader header, double bias, IReadOnlyList<RegressionTree> trees)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            json.WriteStartObject();
            json.WriteString("format", Format);
            json.WriteNumber("format_version", FormatVersion);
            json.WriteString("feature_version", header.FeatureVersion);
            WriteStrings(json, "features", header.Features);
            json.WriteStartObject("vocabularies");
            WriteStrings(json, "backend", header.Backends);
            WriteStrings(json, "route", header.Routes);
            json.WriteEndObject();
            json.WriteString("trained_at", header.TrainedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            json.WriteStartObject("metrics");
            WriteMetrics(json, header.Validation);
            json.WriteEndObject();
            json.WriteNumber("train_records", header.TrainRecords);
            json.WriteNumber("validation_records", header.ValidationRecords);
            json.WriteString("trainer", header.Trainer);
            json.WriteStartObject("ensemble");
            json.WriteNumber("bias", bias);
            json.WriteStartArray("trees");
            foreach (RegressionTree tree in trees)
            {
                json.WriteStartObject();
                WriteNumbers(json, "split_feature", tree.SplitFeatures);
                WriteNumbers(json, "threshold", tree.Thresholds);
                WriteNumbers(json, "left", tree.LeftChildren);
                WriteNumbers(json, "right", tree.RightChildren);
                WriteNumbers(json, "gain", tree.SplitGains);
                WriteNumbers(json, "leaf_value", tree.LeafValues);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Parses and checks the bytes of a model file; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="LatencyModelException">Not a model file, of an unknown format version, or trained on other features.</exception>
    public static TreeLatencyModel Parse(ReadOnlyMemory<byte> bytes, string source)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 256 });
            JsonElement root = document.RootElement;
            string? format = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("format", out JsonElement f) ? f.GetString() : null;
            if (format != Format)
            {
                throw new LatencyModelException($"'{source}' is not a FastLb latency model (format '{format}', expected '{Format}')");
            }

            int formatVersion = root.GetProperty("format_version").GetInt32();
            if (formatVersion is not (FormatVersion or XGBoostFormatVersion))
            {
                throw new LatencyModelException(
                    $"'{source}' has format version {formatVersion}; this build reads {XGBoostFormatVersion} and {FormatVersion}: retrain it with this build's `fastlb train`");
            }

            string featureVersion = root.GetProperty("feature_version").GetString() ?? string.Empty;
            string[] features = Strings(root.GetProperty("features"));
            if (featureVersion != LatencyFeatures.Version || !features.AsSpan().SequenceEqual([.. LatencyFeatures.Names]))
            {
                throw new LatencyModelException(
                    $"'{source}' was trained on features {featureVersion} [{string.Join(", ", features)}]; this build uses {LatencyFeatures.Version} [{string.Join(", ", LatencyFeatures.Names)}]: retrain it with `fastlb train`");
            }

            JsonElement vocabularies = root.GetProperty("vocabularies");
            JsonElement metrics = root.GetProperty("metrics");
            string trainer = formatVersion == FormatVersion
                ? root.GetProperty("trainer").GetString() ?? string.Empty
                : "XGBoost " + root.GetProperty("xgboost_version").GetString();
            var header = new LatencyModelHeader(
                featureVersion,
                features,
                Strings(vocabularies.GetProperty("backend")),
                Strings(vocabularies.GetProperty("route")),
                DateTimeOffset.Parse(root.GetProperty("trained_at").GetString() ?? string.Empty, CultureInfo.InvariantCulture),
                ReadMetrics(metrics),
                root.GetProperty("train_records").GetInt64(),
                root.GetProperty("validation_records").GetInt64(),
                trainer);
            TreeEnsemble trees = formatVersion == FormatVersion
                ? ReadEnsemble(root.GetProperty("ensemble"))
                : TreeEnsemble.FromXGBoostJson(root.GetProperty("xgboost"), LatencyFeatures.Count);
            return new TreeLatencyModel(header, trees);
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            throw new LatencyModelException($"'{source}' is not a valid model file: {e.Message}", e);
        }
    }

    /// <summary>Writes the metric fields (docs/FORMATS.md names: <c>rmse_ms</c>, <c>mae_ms</c>, <c>r2</c>, ...).</summary>
    public static void WriteMetrics(Utf8JsonWriter json, RegressionMetrics metrics)
    {
        json.WriteNumber("rmse_ms", Finite(metrics.RmseMs));
        json.WriteNumber("mae_ms", Finite(metrics.MaeMs));
        json.WriteNumber("r2", Finite(metrics.R2));
        json.WriteNumber("p50_abs_error_ms", Finite(metrics.P50AbsErrorMs));
        json.WriteNumber("p90_abs_error_ms", Finite(metrics.P90AbsErrorMs));
    }

    private static TreeEnsemble ReadEnsemble(JsonElement ensemble)
    {
        double bias = ensemble.GetProperty("bias").GetDouble();
        var trees = new List<RegressionTree>();
        foreach (JsonElement tree in ensemble.GetProperty("trees").EnumerateArray())
        {
            trees.Add(new RegressionTree(
                TreeEnsemble.Ints(tree.GetProperty("split_feature")),
                TreeEnsemble.Floats(tree.GetProperty("threshold")),
                TreeEnsemble.Ints(tree.GetProperty("left")),
                TreeEnsemble.Ints(tree.GetProperty("right")),
                Doubles(tree.GetProperty("gain")),
                Doubles(tree.GetProperty("leaf_value"))));
        }

        return TreeEnsemble.FromTrees(trees, bias, LatencyFeatures.Count);
    }

    // JSON has no NaN; a degenerate metric is written as 0 rather than failing the whole write.
    private static double Finite(double value) => double.IsFinite(value) ? value : 0;

    private static RegressionMetrics ReadMetrics(JsonElement metrics) => new(
        metrics.GetProperty("rmse_ms").GetDouble(),
        metrics.GetProperty("mae_ms").GetDouble(),
        metrics.GetProperty("r2").GetDouble(),
        metrics.GetProperty("p50_abs_error_ms").GetDouble(),
        metrics.GetProperty("p90_abs_error_ms").GetDouble());

    private static void WriteStrings(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        json.WriteStartArray(name);
        foreach (string value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }

    private static void WriteNumbers(Utf8JsonWriter json, string name, int[] values)
    {
        json.WriteStartArray(name);
        foreach (int value in values)
        {
            json.WriteNumberValue(value);
        }

        json.WriteEndArray();
    }

    private static void WriteNumbers(Utf8JsonWriter json, string name, float[] values)
    {
        // Utf8JsonWriter writes the shortest text that reads back to the same float.
        json.WriteStartArray(name);
        foreach (float value in values)
        {
            json.WriteNumberValue(value);
        }

        json.WriteEndArray();
    }

    private static void WriteNumbers(Utf8JsonWriter json, string name, double[] values)
    {
        json.WriteStartArray(name);
        foreach (double value in values)
        {
            json.WriteNumberValue(value);
        }

        json.WriteEndArray();
    }

    private static string[] Strings(JsonElement array)
    {
        var values = new string[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            values[i++] = item.GetString() ?? throw new FormatException("null in a string list");
        }

        return values;
    }

    private static double[] Doubles(JsonElement array)
    {
        var values = new double[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            values[i++] = item.GetDouble();
        }

        return values;
    }
}

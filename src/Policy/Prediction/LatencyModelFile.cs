using System.Globalization;
using System.Text.Json;

namespace FastLb.Policy.Prediction;

/// <summary>The model file: our JSON header (format, features, vocabularies, metrics) with XGBoost's own JSON model embedded.</summary>
/// <remarks>
/// XGBoost's document is kept whole under <c>"xgboost"</c> so that the file can be loaded back
/// into XGBoost (to continue training or to check predictions) and the managed evaluator reads
/// the very trees XGBoost wrote. A file whose format, feature version or feature list differs
/// from this code's is refused: the features would be fed in the wrong order or meaning.
/// Only bytes in and out here: the trainer writes the file (FastLb.Training), the proxy and the
/// simulator read it and hand the bytes to <see cref="Parse"/>.
/// </remarks>
internal static class LatencyModelFile
{
    /// <summary>The <c>format</c> field every model file carries.</summary>
    public const string Format = "fastlb-latency-model";

    /// <summary>Version of this file layout.</summary>
    public const int FormatVersion = 1;

    /// <summary>The bytes of a model file.</summary>
    public static byte[] Serialize(LatencyModelHeader header, ReadOnlySpan<byte> xgboostJson)
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
            json.WriteString("xgboost_version", header.XGBoostVersion);
            json.WritePropertyName("xgboost");
            json.WriteRawValue(xgboostJson, skipInputValidation: false);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Parses and checks the bytes of a model file; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="LatencyModelException">Not a model file, or trained on other features.</exception>
    public static TreeLatencyModel Parse(ReadOnlyMemory<byte> bytes, string source)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 256 });
            JsonElement root = document.RootElement;
            string? format = root.TryGetProperty("format", out JsonElement f) ? f.GetString() : null;
            if (format != Format)
            {
                throw new LatencyModelException($"'{source}' is not a FastLb latency model (format '{format}', expected '{Format}')");
            }

            int formatVersion = root.GetProperty("format_version").GetInt32();
            if (formatVersion != FormatVersion)
            {
                throw new LatencyModelException($"'{source}' has format version {formatVersion}; this build reads {FormatVersion}");
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
            var header = new LatencyModelHeader(
                featureVersion,
                features,
                Strings(vocabularies.GetProperty("backend")),
                Strings(vocabularies.GetProperty("route")),
                DateTimeOffset.Parse(root.GetProperty("trained_at").GetString() ?? string.Empty, CultureInfo.InvariantCulture),
                ReadMetrics(metrics),
                root.GetProperty("train_records").GetInt64(),
                root.GetProperty("validation_records").GetInt64(),
                root.GetProperty("xgboost_version").GetString() ?? string.Empty);
            TreeEnsemble trees = TreeEnsemble.FromXGBoostJson(root.GetProperty("xgboost"), LatencyFeatures.Count);
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
}

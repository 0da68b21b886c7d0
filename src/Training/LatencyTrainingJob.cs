using System.Diagnostics;
using System.Globalization;
using System.Text;
using FastLb.Policy.Prediction;
using FastLb.RequestLog;

namespace FastLb.Training;

/// <summary>A whole <c>fastlb train</c> run: read the rows, split by time, train, write the model and its reports.</summary>
internal sealed class LatencyTrainingJob
{
    private readonly TimeProvider _time;

    /// <summary>Creates a job; <paramref name="time"/> stamps the model.</summary>
    public LatencyTrainingJob(TimeProvider time)
    {
        _time = time;
    }

    /// <summary>The Markdown and JSON report paths beside a model: <c>latency.model</c> gives <c>latency.report.md</c> and <c>latency.report.json</c>.</summary>
    public static (string Markdown, string Json) ReportPaths(string modelPath)
    {
        string stem = Path.Combine(Path.GetDirectoryName(modelPath) ?? string.Empty, Path.GetFileNameWithoutExtension(modelPath));
        return (stem + ".report.md", stem + ".report.json");
    }

    /// <summary>Runs it.</summary>
    /// <param name="request">What to do.</param>
    /// <param name="stage">Told when a stage starts (reading, training, writing), or null.</param>
    /// <exception cref="RequestLogException">The input is unusable (bad usage: exit 2).</exception>
    public LatencyTrainingReport Run(LatencyTrainingRequest request, Action<string>? stage = null)
    {
        long started = Stopwatch.GetTimestamp();
        var backends = new FeatureVocabulary();
        var routes = new FeatureVocabulary();
        stage?.Invoke("reading request logs");
        RequestLogReadResult read = request.Logs.Count > 0
            ? new RequestLogReader(backends, routes, growVocabularies: true).Read(request.Logs)
            : (request.Source ?? throw new RequestLogException("no request logs given: --logs or --postgres"))(backends, routes);

        RequestLogData train;
        RequestLogData validation;
        string split;
        long lines = read.Lines;
        long badLines = read.BadLines;
        long bytes = read.Bytes;
        var samples = new List<string>(read.BadLineSamples);
        var inputs = new List<string>(request.Logs.Count > 0 ? read.Files : [request.SourceName]);
        if (request.ValidationPath is { } validationPath)
        {
            // Frozen vocabularies: a backend only in the validation file is unknown to the model, as it would be when serving.
            RequestLogReadResult held = new RequestLogReader(backends, routes, growVocabularies: false).Read([validationPath]);
            train = read.Data;
            validation = held.Data;
            split = $"validation from {validationPath}";
            lines += held.Lines;
            badLines += held.BadLines;
            bytes += held.Bytes;
            samples.AddRange(held.BadLineSamples);
            inputs.AddRange(held.Files);
        }
        else
        {
            if (read.Data.Count < 10)
            {
                throw new RequestLogException($"{read.Data.Count} good records are too few to train and validate on");
            }

            (train, validation) = read.Data.SplitByTime(request.ValidationFraction);
            split = string.Create(CultureInfo.InvariantCulture, $"latest {request.ValidationFraction * 100:0.#}% by ts_unix_ms");
        }

        double loadSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        stage?.Invoke("training");
        LatencyTrainingResult result = new LatencyTrainer(_time)
            .Train(train, validation, backends, routes, request.Options);

        stage?.Invoke("writing the model and reports");
        LatencyModelWriter.Write(request.ModelPath, result);
        var report = new LatencyTrainingReport(
            request.Command,
            inputs,
            request.ModelPath,
            split,
            lines,
            badLines,
            samples.Count > RequestLogReader.SampleCount ? samples[..RequestLogReader.SampleCount] : samples,
            bytes,
            backends.Count,
            routes.Count,
            request.Options,
            loadSeconds,
            Stopwatch.GetElapsedTime(started).TotalSeconds,
            result);
        var (markdownPath, jsonPath) = ReportPaths(request.ModelPath);
        byte[] json = report.ToJson(indented: true);
        AtomicFile.Write(jsonPath, stream => stream.Write(json));
        byte[] markdown = Encoding.UTF8.GetBytes(report.ToMarkdown());
        AtomicFile.Write(markdownPath, stream => stream.Write(markdown));
        return report;
    }
}

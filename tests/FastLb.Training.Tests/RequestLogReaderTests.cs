using FastLb.Policy;
using FastLb.Policy.Prediction;
using FastLb.RequestLog;

namespace FastLb.Training.Tests;

public sealed class RequestLogReaderTests
{
    private static readonly string s_header = string.Join(',', RequestLogColumns.Required);

    private static RequestLogReadResult ReadText(TempFolder folder, string text, out RequestLogReader reader, out FeatureVocabulary backends, out FeatureVocabulary routes)
    {
        string path = folder.File("log.csv");
        File.WriteAllText(path, text);
        backends = new FeatureVocabulary();
        routes = new FeatureVocabulary();
        reader = new RequestLogReader(backends, routes, growVocabularies: true);
        return reader.Read([path]);
    }

    private static string Row(string backend = "b1", string route = "/api", string method = "GET", string reqBytes = "100", string latency = "12.5", long ts = 1000, string cpu = "-1") =>
        $"{ts},req-1,web,{backend},{route},{method},{reqBytes},200,{latency},11,,fastlb,3,7,10.5,0.01,{cpu},4,-1";

    [Fact]
    public void Read_OneRow_FillsEveryFeatureAndTarget()
    {
        using var folder = new TempFolder();
        var result = ReadText(folder, s_header + "\n" + Row(cpu: "55.5") + "\n", out _, out var backends, out var routes);

        Assert.Equal(1, result.Data.Count);
        Assert.Equal(12.5f, result.Data.LatencyMs[0]);
        Assert.Equal(1000, result.Data.Timestamps[0]);
        float[] row = result.Data.Row(0).ToArray();
        Assert.Equal(backends.CodeOf("b1"), (int)row[LatencyFeatures.Backend]);
        Assert.Equal(routes.CodeOf("/api"), (int)row[LatencyFeatures.Route]);
        Assert.Equal((float)RequestMethod.Get, row[LatencyFeatures.Method]);
        Assert.Equal(100f, row[LatencyFeatures.RequestBytes]);
        Assert.Equal(3f, row[LatencyFeatures.InFlightBackend]);
        Assert.Equal(7f, row[LatencyFeatures.InFlightPool]);
        Assert.Equal(10.5f, row[LatencyFeatures.EwmaLatencyMs]);
        Assert.Equal(0.01f, row[LatencyFeatures.EwmaErrorRate]);
        Assert.Equal(55.5f, row[LatencyFeatures.BackendCpu]);
        Assert.Equal(4f, row[LatencyFeatures.BackendActive]);
        Assert.True(float.IsNaN(row[LatencyFeatures.BackendAvgMs]));
    }

    [Fact]
    public void Read_ColumnsInOtherOrderWithExtras_SameRowsAsDesignOrder()
    {
        using var folder = new TempFolder();
        var shuffled = new List<string>(RequestLogColumns.Required);
        shuffled.Reverse();
        shuffled.Insert(3, "extra");
        SyntheticRequestLog.Write(folder.File("a.csv"), 200, seed: 7);
        SyntheticRequestLog.Write(folder.File("b.csv"), 200, seed: 7, shuffled);

        var a = new RequestLogReader(new FeatureVocabulary(), new FeatureVocabulary(), true).Read([folder.File("a.csv")]);
        var b = new RequestLogReader(new FeatureVocabulary(), new FeatureVocabulary(), true).Read([folder.File("b.csv")]);

        Assert.Equal(200, a.Data.Count);
        Assert.Equal(0, a.BadLines);
        Assert.Equal(a.Data.Features.AsSpan(0, 200 * LatencyFeatures.Count).ToArray(), b.Data.Features.AsSpan(0, 200 * LatencyFeatures.Count).ToArray());
        Assert.Equal(a.Data.LatencyMs.AsSpan(0, 200).ToArray(), b.Data.LatencyMs.AsSpan(0, 200).ToArray());
    }

    [Fact]
    public void Read_QuotedFieldsWithCommaAndEscapedQuote_Unquoted()
    {
        using var folder = new TempFolder();
        string text = s_header + "\r\n" + Row(backend: "\"b,1\"", route: "\"/say \"\"hi\"\"\"", latency: "\"7\"") + "\r\n";

        var result = ReadText(folder, text, out _, out var backends, out var routes);

        Assert.Equal(0, result.BadLines);
        Assert.Equal(["b,1"], backends.Values);
        Assert.Equal(["/say \"hi\""], routes.Values);
        Assert.Equal(7f, result.Data.LatencyMs[0]);
    }

    [Fact]
    public void Read_FewBadLines_CountedWithLineNumbersAndSkipped()
    {
        using var folder = new TempFolder();
        var lines = new List<string> { s_header };
        for (int i = 0; i < 300; i++)
        {
            lines.Add(Row(ts: i));
        }

        lines[50] = Row(latency: "abc");           // line 51: not a number
        lines[120] = Row()[..20];                   // line 121: truncated
        lines[200] = Row(backend: "\"open");        // line 201: unterminated quote
        var result = ReadText(folder, string.Join('\n', lines), out _, out _, out _);

        Assert.Equal(300, result.Lines);
        Assert.Equal(3, result.BadLines);
        Assert.Equal(297, result.Data.Count);
        Assert.Equal(3, result.BadLineSamples.Count);
        Assert.Contains("log.csv:51: latency_ms", result.BadLineSamples[0]);
        Assert.Contains("log.csv:121: expected 19 fields, found", result.BadLineSamples[1]);
        Assert.Contains("log.csv:201: field 4: unterminated quote", result.BadLineSamples[2]);
    }

    [Theory]
    [InlineData("latency", "1e999")]      // a double too large: parses as +Infinity
    [InlineData("latency", "Infinity")]
    [InlineData("latency", "1e39")]       // a finite double, +Infinity as the float the rows keep
    [InlineData("reqBytes", "1e39")]
    [InlineData("reqBytes", "NaN")]
    [InlineData("cpu", "-Infinity")]
    public void Read_NumberNotFiniteAsFloat_CountedAsBadLine(string column, string value)
    {
        // Found by fuzzing (fuzz/regressions/request-log): such a latency reached the trainer as an infinite label.
        using var folder = new TempFolder();
        var lines = new List<string> { s_header };
        for (int i = 0; i < 200; i++)
        {
            lines.Add(Row(ts: i));
        }

        lines.Add(column switch
        {
            "latency" => Row(latency: value),
            "reqBytes" => Row(reqBytes: value),
            _ => Row(cpu: value),
        });
        var result = ReadText(folder, string.Join('\n', lines) + "\n", out _, out _, out _);

        Assert.Equal(201, result.Lines);
        Assert.Equal(1, result.BadLines);
        Assert.Equal(200, result.Data.Count);
        Assert.Contains("log.csv:202:", result.BadLineSamples[0]);
        Assert.All(result.Data.LatencyMs.AsSpan(0, result.Data.Count).ToArray(), l => Assert.True(float.IsFinite(l)));
        Assert.All(result.Data.Features.AsSpan(0, result.Data.Count * LatencyFeatures.Count).ToArray(), f => Assert.False(float.IsInfinity(f)));
    }

    [Fact]
    public void Read_MoreThanOnePercentBad_ThrowsWithCountAndFirstLines()
    {
        using var folder = new TempFolder();
        var lines = new List<string> { s_header };
        for (int i = 0; i < 100; i++)
        {
            lines.Add(i is 10 or 20 ? "garbage" : Row());
        }

        var e = Assert.Throws<RequestLogException>(() => ReadText(folder, string.Join('\n', lines) + "\n", out _, out _, out _));

        Assert.Contains("2 of 100 lines are bad", e.Message);
        Assert.Contains("log.csv:12:", e.Message);
        Assert.Contains("log.csv:22:", e.Message);
    }

    [Fact]
    public void Read_OnePercentBad_Accepted()
    {
        using var folder = new TempFolder();
        var lines = new List<string> { s_header };
        for (int i = 0; i < 100; i++)
        {
            lines.Add(i == 10 ? "garbage" : Row());
        }

        var result = ReadText(folder, string.Join('\n', lines) + "\n", out _, out _, out _);

        Assert.Equal(1, result.BadLines);
        Assert.Equal(99, result.Data.Count);
    }

    [Fact]
    public void Read_MissingRequiredColumns_NamesThem()
    {
        using var folder = new TempFolder();
        string header = string.Join(',', RequestLogColumns.Required.Where(c => c is not ("latency_ms" or "backend_avg_ms")));

        var e = Assert.Throws<RequestLogException>(() => ReadText(folder, header + "\n", out _, out _, out _));

        Assert.Contains("lacks required columns latency_ms, backend_avg_ms", e.Message);
    }

    [Fact]
    public void Read_EmptyFile_ThrowsNoHeader()
    {
        using var folder = new TempFolder();

        var e = Assert.Throws<RequestLogException>(() => ReadText(folder, string.Empty, out _, out _, out _));

        Assert.Contains("is empty", e.Message);
    }

    [Fact]
    public void Read_HeaderOnly_ThrowsNoRecords()
    {
        using var folder = new TempFolder();

        var e = Assert.Throws<RequestLogException>(() => ReadText(folder, s_header + "\n", out _, out _, out _));

        Assert.Contains("no request records", e.Message);
    }

    [Fact]
    public void Read_MissingPath_ThrowsNamingIt()
    {
        using var folder = new TempFolder();
        var reader = new RequestLogReader(new FeatureVocabulary(), new FeatureVocabulary(), true);

        var e = Assert.Throws<RequestLogException>(() => reader.Read([folder.File("nope.csv")]));

        Assert.Contains("nope.csv", e.Message);
    }

    [Fact]
    public void Read_Folder_ReadsEveryCsvInside()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.File("day2"));
        SyntheticRequestLog.Write(folder.File("day1.csv"), 50, seed: 1);
        SyntheticRequestLog.Write(Path.Combine(folder.File("day2"), "log.csv"), 70, seed: 2);
        File.WriteAllText(folder.File("notes.txt"), "not a log");

        var result = new RequestLogReader(new FeatureVocabulary(), new FeatureVocabulary(), true).Read([folder.Path]);

        Assert.Equal(2, result.Files.Count);
        Assert.Equal(120, result.Data.Count);
    }

    [Fact]
    public void Read_LastLineWithoutNewline_Kept()
    {
        using var folder = new TempFolder();

        var result = ReadText(folder, s_header + "\n" + Row() + "\n" + Row(latency: "99"), out _, out _, out _);

        Assert.Equal(2, result.Data.Count);
        Assert.Equal(99f, result.Data.LatencyMs[1]);
    }

    [Fact]
    public void Read_FrozenVocabulary_UnknownBackendBecomesMissing()
    {
        using var folder = new TempFolder();
        string path = folder.File("log.csv");
        File.WriteAllText(path, s_header + "\n" + Row(backend: "new") + "\n" + Row(backend: "known") + "\n");
        var backends = new FeatureVocabulary(["known"]);

        var result = new RequestLogReader(backends, new FeatureVocabulary(), growVocabularies: false).Read([path]);

        Assert.True(float.IsNaN(result.Data.Row(0)[LatencyFeatures.Backend]));
        Assert.Equal(0f, result.Data.Row(1)[LatencyFeatures.Backend]);
        Assert.Equal(1, backends.Count);
    }

    [Fact]
    public void Read_LinesLongerThanBuffer_ReadAcrossRefills()
    {
        using var folder = new TempFolder();
        string longRoute = "/" + new string('r', 3 << 20);

        var result = ReadText(folder, s_header + "\n" + Row() + "\n" + Row(route: longRoute) + "\n" + Row() + "\n", out _, out _, out var routes);

        Assert.Equal(3, result.Data.Count);
        Assert.Equal(longRoute, routes.Values[1]);
    }
}

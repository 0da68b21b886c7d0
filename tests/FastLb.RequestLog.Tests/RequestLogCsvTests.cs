using System.Buffers;
using System.Globalization;
using System.Text;
using FastLb.Policy;
using FastLb.Policy.Prediction;

namespace FastLb.RequestLog.Tests;

public sealed class RequestLogCsvTests
{
    private static RequestLogEntry Sample() => new()
    {
        TsUnixMs = 1_767_225_600_123,
        GivenRequestId = "req-42",
        Pool = "inventory",
        Backend = "127.0.0.1:9101",
        Route = "/api/inventory",
        Method = RequestMethod.Get,
        ReqBytes = -1,
        Status = 503,
        LatencyMs = 12.345,
        TtfbMs = 3.5,
        Error = OutcomeError.Timeout,
        Policy = "least_connections",
        InflightBackend = 3,
        InflightPool = 17,
        EwmaLatencyMs = 21.25,
        EwmaErrorRate = 0.015625,
        Health = new HealthReport(HealthStatus.Healthy, -1, -1, 19.5, 0),
    };

    private static string WriteOne(in RequestLogEntry record)
    {
        var buffer = new ArrayBufferWriter<byte>();
        RequestLogCsv.Write(buffer, record);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static Dictionary<string, string> ParseByName(string headerLine, string line)
    {
        var names = new List<string>();
        var values = new List<string>();
        Assert.True(RequestLogCsv.TrySplitLine(headerLine, names));
        Assert.True(RequestLogCsv.TrySplitLine(line, values));
        Assert.Equal(names.Count, values.Count);
        var map = new Dictionary<string, string>();
        for (int i = 0; i < names.Count; i++)
        {
            map.Add(names[i], values[i]);
        }

        return map;
    }

    [Fact]
    public void Header_Columns_AreTheFormatColumns()
    {
        string[] expected =
        [
            "ts_unix_ms", "request_id", "pool", "backend", "route", "method", "req_bytes", "status", "latency_ms",
            "ttfb_ms", "error", "policy", "inflight_backend", "inflight_pool", "ewma_latency_ms", "ewma_error_rate",
            "backend_cpu", "backend_active", "backend_avg_ms", "attempt",
        ];
        Assert.Equal(expected, RequestLogCsv.Columns);

        // Logs written before the attempt column existed still read.
        Assert.Equal(expected[..^1], RequestLogColumns.Required);
    }

    [Fact]
    public void Write_PlainRecord_RoundTripsByColumnName()
    {
        var headerBuffer = new ArrayBufferWriter<byte>();
        RequestLogCsv.WriteHeader(headerBuffer);
        string header = Encoding.UTF8.GetString(headerBuffer.WrittenSpan);
        Assert.Equal(RequestLogCsv.Header + "\n", header);

        string line = WriteOne(Sample());
        Assert.EndsWith("\n", line);
        Assert.Single(line.Split('\n'), s => s.Length > 0);

        Dictionary<string, string> row = ParseByName(header, line);
        Assert.Equal("1767225600123", row["ts_unix_ms"]);
        Assert.Equal("req-42", row["request_id"]);
        Assert.Equal("inventory", row["pool"]);
        Assert.Equal("127.0.0.1:9101", row["backend"]);
        Assert.Equal("/api/inventory", row["route"]);
        Assert.Equal("GET", row["method"]);
        Assert.Equal("-1", row["req_bytes"]);
        Assert.Equal("503", row["status"]);
        Assert.Equal(12.345, double.Parse(row["latency_ms"], CultureInfo.InvariantCulture), 6);
        Assert.Equal(3.5, double.Parse(row["ttfb_ms"], CultureInfo.InvariantCulture), 6);
        Assert.True(RequestLogCsv.TryParseError(row["error"], out OutcomeError error));
        Assert.Equal(OutcomeError.Timeout, error);
        Assert.Equal("least_connections", row["policy"]);
        Assert.Equal("3", row["inflight_backend"]);
        Assert.Equal("17", row["inflight_pool"]);
        Assert.Equal(21.25, double.Parse(row["ewma_latency_ms"], CultureInfo.InvariantCulture), 6);
        Assert.Equal(0.015625, double.Parse(row["ewma_error_rate"], CultureInfo.InvariantCulture), 6);
        Assert.Equal("-1", row["backend_cpu"]);
        Assert.Equal("-1", row["backend_active"]);
        Assert.Equal(19.5, double.Parse(row["backend_avg_ms"], CultureInfo.InvariantCulture), 6);
    }

    [Fact]
    public void Write_FieldsWithCommaQuoteAndNewline_AreQuotedAndRoundTrip()
    {
        RequestLogEntry record = Sample();
        record.GivenRequestId = "a,b";
        record.Pool = "say \"hi\"";
        record.Route = "/x\ny";
        record.Backend = "bäckend-ü";
        string line = WriteOne(record);

        Assert.Contains("\"a,b\"", line);
        Assert.Contains("\"say \"\"hi\"\"\"", line);
        var fields = new List<string>();
        Assert.True(RequestLogCsv.TrySplitLine(line, fields));
        Assert.Equal(RequestLogCsv.Columns.Count, fields.Count);
        Assert.Equal("a,b", fields[1]);
        Assert.Equal("say \"hi\"", fields[2]);
        Assert.Equal("bäckend-ü", fields[3]);
        Assert.Equal("/x\ny", fields[4]);
    }

    [Fact]
    public void Write_NullStringsNoErrorAndNonFiniteNumbers_WritesEmptyAndMinusOne()
    {
        var record = new RequestLogEntry { LatencyMs = double.NaN, TtfbMs = double.PositiveInfinity, Status = 200 };
        var fields = new List<string>();
        Assert.True(RequestLogCsv.TrySplitLine(WriteOne(record), fields));
        Assert.Equal("", fields[1]);
        Assert.Equal("-1", fields[8]);
        Assert.Equal("-1", fields[9]);
        Assert.Equal("", fields[10]);
        Assert.Equal("200", fields[7]);
    }

    [Fact]
    public void Write_InvariantCulture_UsesDotDecimalSeparator()
    {
        CultureInfo saved = CultureInfo.CurrentCulture;
        try
        {
            // Globalization-invariant mode has no de-DE: a cloned culture with a comma separator stands in.
            var comma = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            comma.NumberFormat.NumberDecimalSeparator = ",";
            CultureInfo.CurrentCulture = comma;
            string line = WriteOne(Sample());
            Assert.Contains(",12.345,", line);
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void Columns_HoldEveryLatencyFeature()
    {
        // The trainer reads each model feature from the log column of the same name.
        Assert.All(LatencyFeatures.Names, name => Assert.Contains(name, RequestLogColumns.Required));
    }

    [Fact]
    public void Write_AssignedIdAndMethod_FormattedWhenWritten()
    {
        RequestLogEntry record = Sample();
        record.GivenRequestId = null;
        record.AssignedRequestId = 0xabc;
        record.Method = RequestMethod.Delete;
        var fields = new List<string>();
        Assert.True(RequestLogCsv.TrySplitLine(WriteOne(record), fields));
        Assert.Equal("0000000000000abc", fields[1]);
        Assert.Equal("DELETE", fields[5]);
    }

    [Fact]
    public void Write_AssignedIdAndMethodEnum_AllocatesNothing()
    {
        // The proxy queues the id as a number and the method as the enum; formatting them must not allocate either.
        RequestLogEntry record = Sample();
        record.GivenRequestId = null;
        record.AssignedRequestId = ulong.MaxValue;
        var buffer = new ArrayBufferWriter<byte>(1 << 16);
        RequestLogCsv.Write(buffer, record);
        buffer.ResetWrittenCount();

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            RequestLogCsv.Write(buffer, record);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Write_ManyRecordsIntoOneWriter_AppendsLines()
    {
        var buffer = new ArrayBufferWriter<byte>(16);
        for (int i = 0; i < 1000; i++)
        {
            RequestLogEntry record = Sample();
            record.Status = i;
            RequestLogCsv.Write(buffer, record);
        }

        string[] lines = Encoding.UTF8.GetString(buffer.WrittenSpan).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1000, lines.Length);
        var fields = new List<string>();
        Assert.True(RequestLogCsv.TrySplitLine(lines[999], fields));
        Assert.Equal("999", fields[7]);
    }

    [Theory]
    [InlineData("\"open")]
    [InlineData("\"closed\"x")]
    public void TrySplitLine_BrokenQuoting_ReturnsFalse(string line)
    {
        Assert.False(RequestLogCsv.TrySplitLine(line, []));
    }

    [Theory]
    [InlineData(OutcomeError.None, "")]
    [InlineData(OutcomeError.Connect, "connect")]
    [InlineData(OutcomeError.Timeout, "timeout")]
    [InlineData(OutcomeError.Reset, "reset")]
    [InlineData(OutcomeError.Protocol, "protocol")]
    public void ErrorName_EveryError_ParsesBack(OutcomeError error, string name)
    {
        Assert.Equal(name, RequestLogCsv.ErrorName(error));
        Assert.True(RequestLogCsv.TryParseError(name, out OutcomeError parsed));
        Assert.Equal(error, parsed);
    }

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(-1.0, "-1")]
    [InlineData(20.0, "20")]
    [InlineData(12.5, "12.5")]
    [InlineData(0.1234564, "0.123456")]
    [InlineData(0.0000004, "0")]
    [InlineData(-0.0000004, "0")]
    [InlineData(1e20, "1000000000000000.000000")]
    [InlineData(-12.000001, "-12.000001")]
    [InlineData(0.05, "0.05")]
    [InlineData(999999.9999999, "1000000")]
    public void Write_Doubles_ShortestSixDecimalText(double value, string expected)
    {
        var record = new RequestLogEntry { LatencyMs = value };
        var fields = new List<string>();
        Assert.True(RequestLogCsv.TrySplitLine(WriteOne(record), fields));
        Assert.Equal(expected, fields[8]);
    }
}

using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using FastLb.Policy;

namespace FastLb.RequestLog;

/// <summary>The request log's CSV format (docs/FORMATS.md): the header line, one record per line, UTF-8, invariant culture.</summary>
/// <remarks>
/// The proxy's log and the simulator's log both go through <see cref="Write"/>, so the trainer
/// reads one format; <see cref="RequestLogReader"/> reads it back. Fields that hold a comma, a quote, CR or LF are quoted (RFC 4180, quotes
/// doubled). Formatting goes straight into the writer's span: no strings are built per record.
/// </remarks>
public static class RequestLogCsv
{
    /// <summary>The header line, without its line feed. The column names are a published format (docs/FORMATS.md): readers find columns by these names.</summary>
    public const string Header =
        "ts_unix_ms,request_id,pool,backend,route,method,req_bytes,status,latency_ms,ttfb_ms,error,policy," +
        "inflight_backend,inflight_pool,ewma_latency_ms,ewma_error_rate,backend_cpu,backend_active,backend_avg_ms,attempt";

    /// <summary>The column names of <see cref="Header"/>, in order.</summary>
    public static IReadOnlyList<string> Columns { get; } = Header.Split(',');

    // Each number takes at most this many bytes: a long is 20 chars with sign; a double could need
    // 309 integer digits, which is why doubles are clamped to 1e15 (23 chars with six decimals).
    private const int MaxNumberBytes = 32;
    private const int NumberFields = 14;
    private const double MaxPrintable = 1e15;
    private const double FixedPointLimit = 1e12;
    private const int MaxRequestIdBytes = 16;
    private const int MaxMethodBytes = 7;

    private static readonly SearchValues<char> s_needsQuotes = SearchValues.Create(",\"\r\n");

    /// <summary>Writes <see cref="Header"/> and a line feed.</summary>
    public static void WriteHeader(IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        int length = Encoding.UTF8.GetByteCount(Header) + 1;
        Span<byte> span = writer.GetSpan(length);
        int written = Encoding.UTF8.GetBytes(Header, span);
        span[written] = (byte)'\n';
        writer.Advance(written + 1);
    }

    /// <summary>Writes <paramref name="record"/> as one CSV line ending in a line feed, in <see cref="Header"/>'s column order.</summary>
    /// <remarks>Hot path for the log writer (guarded by SimulatorBenchmarks.RunWithLog): one <see cref="IBufferWriter{T}.GetSpan"/> sized for the worst case, no allocation.</remarks>
    public static void Write(IBufferWriter<byte> writer, in RequestLogEntry record)
    {
        ArgumentNullException.ThrowIfNull(writer);
        HealthReport health = record.Health ?? HealthReport.Unknown;
        int bound = (NumberFields * MaxNumberBytes) + 32 + MaxRequestIdBytes + MaxMethodBytes
            + MaxStringBytes(record.GivenRequestId) + MaxStringBytes(record.Pool) + MaxStringBytes(record.Backend)
            + MaxStringBytes(record.Route) + MaxStringBytes(record.Policy);
        Span<byte> span = writer.GetSpan(bound);
        int at = 0;
        at += WriteLong(span[at..], record.TsUnixMs);
        span[at++] = (byte)',';
        at += WriteRequestId(span[at..], record);
        span[at++] = (byte)',';
        at += WriteString(span[at..], record.Pool);
        span[at++] = (byte)',';
        at += WriteString(span[at..], record.Backend);
        span[at++] = (byte)',';
        at += WriteString(span[at..], record.Route);
        span[at++] = (byte)',';
        ReadOnlySpan<byte> method = MethodUtf8(record.Method);
        method.CopyTo(span[at..]);
        at += method.Length;
        span[at++] = (byte)',';
        at += WriteLong(span[at..], record.ReqBytes);
        span[at++] = (byte)',';
        at += WriteLong(span[at..], record.Status);
        span[at++] = (byte)',';
        at += WriteDouble(span[at..], record.LatencyMs);
        span[at++] = (byte)',';
        at += WriteDouble(span[at..], record.TtfbMs);
        span[at++] = (byte)',';
        ReadOnlySpan<byte> error = ErrorUtf8(record.Error);
        error.CopyTo(span[at..]);
        at += error.Length;
        span[at++] = (byte)',';
        at += WriteString(span[at..], record.Policy);
        span[at++] = (byte)',';
        at += WriteLong(span[at..], record.InflightBackend);
        span[at++] = (byte)',';
        at += WriteLong(span[at..], record.InflightPool);
        span[at++] = (byte)',';
        at += WriteDouble(span[at..], record.EwmaLatencyMs);
        span[at++] = (byte)',';
        at += WriteDouble(span[at..], record.EwmaErrorRate);
        span[at++] = (byte)',';
        at += WriteDouble(span[at..], health.CpuPercent);
        span[at++] = (byte)',';
        at += WriteLong(span[at..], health.ActiveRequests);
        span[at++] = (byte)',';
        at += WriteDouble(span[at..], health.AvgResponseMs);
        span[at++] = (byte)',';
        at += WriteLong(span[at..], record.Attempt);
        span[at++] = (byte)'\n';
        writer.Advance(at);
    }

    /// <summary>The <c>error</c> column's word for <paramref name="error"/>: empty, connect, timeout, reset or protocol.</summary>
    public static string ErrorName(OutcomeError error) => error switch
    {
        OutcomeError.None => "",
        OutcomeError.Connect => "connect",
        OutcomeError.Timeout => "timeout",
        OutcomeError.Reset => "reset",
        OutcomeError.Protocol => "protocol",
        _ => "protocol",
    };

    /// <summary>Parses the <c>error</c> column; false for a word that is not one of <see cref="ErrorName"/>'s.</summary>
    public static bool TryParseError(ReadOnlySpan<char> text, out OutcomeError error)
    {
        error = text switch
        {
            "" => OutcomeError.None,
            "connect" => OutcomeError.Connect,
            "timeout" => OutcomeError.Timeout,
            "reset" => OutcomeError.Reset,
            "protocol" => OutcomeError.Protocol,
            _ => (OutcomeError)255,
        };
        return error != (OutcomeError)255;
    }

    /// <summary>The method as written in the log for a parsed <see cref="RequestMethod"/>; a constant string, so no allocation.</summary>
    public static string MethodName(RequestMethod method) => method switch
    {
        RequestMethod.Get => "GET",
        RequestMethod.Head => "HEAD",
        RequestMethod.Post => "POST",
        RequestMethod.Put => "PUT",
        RequestMethod.Delete => "DELETE",
        RequestMethod.Patch => "PATCH",
        RequestMethod.Options => "OPTIONS",
        _ => "OTHER",
    };

    /// <summary>Splits one CSV line into its fields, undoing <see cref="Write"/>'s quoting; false when a quoted field is not closed.</summary>
    /// <remarks>For readers of the log (tests, the trainer); not on any hot path.</remarks>
    public static bool TrySplitLine(ReadOnlySpan<char> line, List<string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        fields.Clear();
        if (line.Length > 0 && line[^1] == '\n')
        {
            line = line[..^1];
        }

        if (line.Length > 0 && line[^1] == '\r')
        {
            line = line[..^1];
        }

        var field = new StringBuilder();
        int i = 0;
        while (true)
        {
            field.Clear();
            if (i < line.Length && line[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= line.Length)
                    {
                        return false;
                    }

                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    field.Append(line[i++]);
                }

                if (i < line.Length && line[i] != ',')
                {
                    return false;
                }
            }
            else
            {
                int end = line[i..].IndexOf(',');
                end = end < 0 ? line.Length : i + end;
                field.Append(line[i..end]);
                i = end;
            }

            fields.Add(field.ToString());
            if (i >= line.Length)
            {
                return true;
            }

            i++; // the comma
        }
    }

    private static ReadOnlySpan<byte> ErrorUtf8(OutcomeError error) => error switch
    {
        OutcomeError.None => ""u8,
        OutcomeError.Connect => "connect"u8,
        OutcomeError.Timeout => "timeout"u8,
        OutcomeError.Reset => "reset"u8,
        _ => "protocol"u8,
    };

    private static ReadOnlySpan<byte> MethodUtf8(RequestMethod method) => method switch
    {
        RequestMethod.Get => "GET"u8,
        RequestMethod.Head => "HEAD"u8,
        RequestMethod.Post => "POST"u8,
        RequestMethod.Put => "PUT"u8,
        RequestMethod.Delete => "DELETE"u8,
        RequestMethod.Patch => "PATCH"u8,
        RequestMethod.Options => "OPTIONS"u8,
        _ => "OTHER"u8,
    };

    // The given id as it is (quoted when it needs it); else the assigned number as 16 hex digits,
    // formatted here so that queueing a record never builds the string.
    private static int WriteRequestId(Span<byte> span, in RequestLogEntry record)
    {
        if (record.GivenRequestId is not null)
        {
            return WriteString(span, record.GivenRequestId);
        }

        if (record.AssignedRequestId == 0)
        {
            return 0;
        }

        record.AssignedRequestId.TryFormat(span, out int written, "x16", CultureInfo.InvariantCulture);
        return written;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int MaxStringBytes(string? value) => value is null ? 0 : (value.Length * 6) + 2;

    private static int WriteLong(Span<byte> span, long value)
    {
        value.TryFormat(span, out int written, default, CultureInfo.InvariantCulture);
        return written;
    }

    private static int WriteDouble(Span<byte> span, double value)
    {
        // Non-finite values (a policy's NaN, an unknown) are written as -1, the log's "unknown",
        // so that every reader can parse every number; huge ones are clamped to keep the bound.
        if (!double.IsFinite(value))
        {
            value = -1;
        }
        else if (Math.Abs(value) > MaxPrintable)
        {
            value = Math.CopySign(MaxPrintable, value);
        }

        // Six decimals by integer arithmetic: a fixed-point long, then the digits, trailing zeros
        // dropped. The same text as "0.######" (up to the last digit's rounding) several times faster
        // than double formatting (SimulatorBenchmarks.RunWithLog); the rare value beyond 1e12 takes "F6".
        if (Math.Abs(value) >= FixedPointLimit)
        {
            value.TryFormat(span, out int formatted, "F6", CultureInfo.InvariantCulture);
            return formatted;
        }

        long scaled = (long)Math.Round(value * 1e6, MidpointRounding.AwayFromZero);
        int at = 0;
        if (scaled < 0)
        {
            span[at++] = (byte)'-';
            scaled = -scaled;
        }

        long whole = Math.DivRem(scaled, 1_000_000, out long fraction);
        at += WriteLong(span[at..], whole);
        if (fraction != 0)
        {
            span[at++] = (byte)'.';
            int digits = 6;
            while (fraction % 10 == 0)
            {
                fraction /= 10;
                digits--;
            }

            for (int i = digits - 1; i >= 0; i--)
            {
                span[at + i] = (byte)('0' + (int)(fraction % 10));
                fraction /= 10;
            }

            at += digits;
        }

        return at;
    }

    private static int WriteString(Span<byte> span, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return 0;
        }

        if (value.AsSpan().IndexOfAny(s_needsQuotes) < 0)
        {
            return Encoding.UTF8.GetBytes(value, span);
        }

        return WriteQuoted(span, value);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int WriteQuoted(Span<byte> span, string value)
    {
        int at = 0;
        span[at++] = (byte)'"';
        ReadOnlySpan<char> rest = value;
        while (true)
        {
            int quote = rest.IndexOf('"');
            ReadOnlySpan<char> part = quote < 0 ? rest : rest[..(quote + 1)];
            at += Encoding.UTF8.GetBytes(part, span[at..]);
            if (quote < 0)
            {
                break;
            }

            span[at++] = (byte)'"'; // a quote inside a quoted field is doubled
            rest = rest[(quote + 1)..];
        }

        span[at++] = (byte)'"';
        return at;
    }
}

using System.Globalization;
using System.Text;
using FastLb.Policy.Prediction;

namespace FastLb.RequestLog;

/// <summary>Reads request-log CSV files (docs/FORMATS.md columns, RFC 4180 quoting) into <see cref="RequestLogData"/>.</summary>
/// <remarks>
/// Hand-rolled over UTF-8 bytes: lines are found with a vectorised search, fields are sliced in
/// place, numbers parsed from the bytes and categories coded through a span lookup, so a row
/// allocates nothing (read time per run: load_seconds in the training report). A corrupt or truncated line
/// is counted and skipped, its number kept for the first few; more than
/// <see cref="MaxBadFraction"/> of bad lines fails the whole read rather than train on garbage.
/// </remarks>
internal sealed class RequestLogReader
{
    /// <summary>Bad lines tolerated, as a fraction of data lines.</summary>
    public const double MaxBadFraction = 0.01;

    /// <summary>How many bad lines are reported by number.</summary>
    public const int SampleCount = 5;

    private const int InitialBufferBytes = 1 << 20;

    private readonly FeatureVocabulary _backends;
    private readonly FeatureVocabulary _routes;
    private readonly bool _growVocabularies;
    private readonly List<string> _samples = [];
    private int[] _fieldStarts = [];
    private int[] _fieldLengths = [];
    private bool[] _fieldEscaped = [];
    private long _lines;
    private long _badLines;
    private long _bytes;

    /// <summary>Creates a reader that codes categories with the given vocabularies.</summary>
    /// <param name="backends">Backend ids; grown with new ids when <paramref name="growVocabularies"/>.</param>
    /// <param name="routes">Routes; grown likewise.</param>
    /// <param name="growVocabularies">True for training data; false for data judged against an existing vocabulary (unknown values become missing).</param>
    public RequestLogReader(FeatureVocabulary backends, FeatureVocabulary routes, bool growVocabularies)
    {
        _backends = backends;
        _routes = routes;
        _growVocabularies = growVocabularies;
    }

    /// <summary>Reads every file named, or every <c>*.csv</c> under every folder named, into one data set.</summary>
    /// <exception cref="RequestLogException">A path cannot be read, holds no data, lacks a required column, or more than 1% of lines are bad.</exception>
    public RequestLogReadResult Read(IReadOnlyList<string> paths)
    {
        List<string> files = ExpandPaths(paths);
        var data = new RequestLogData(64 * 1024);
        foreach (string file in files)
        {
            ReadFile(file, data);
        }

        if (_lines == 0)
        {
            throw new RequestLogException($"no request records in {string.Join(", ", paths)} (only a header, or nothing)");
        }

        if (_badLines > _lines * MaxBadFraction)
        {
            throw new RequestLogException(
                $"{_badLines} of {_lines} lines are bad ({(double)_badLines / _lines:P2}, more than {MaxBadFraction:P0}); first: {string.Join("; ", _samples)}");
        }

        return new RequestLogReadResult(data, files, _lines, _badLines, _samples.ToArray(), _bytes);
    }

    private static List<string> ExpandPaths(IReadOnlyList<string> paths)
    {
        if (paths.Count == 0)
        {
            throw new RequestLogException("no request-log path given");
        }

        var files = new List<string>();
        foreach (string path in paths)
        {
            if (Directory.Exists(path))
            {
                string[] found = Directory.GetFiles(path, "*.csv", SearchOption.AllDirectories);
                if (found.Length == 0)
                {
                    throw new RequestLogException($"folder '{path}' holds no .csv files");
                }

                // Sorted so that a folder reads the same way on every machine.
                Array.Sort(found, StringComparer.Ordinal);
                files.AddRange(found);
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                throw new RequestLogException($"cannot read '{path}': no such file or folder");
            }
        }

        return files;
    }

    private void ReadFile(string path, RequestLogData data)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RequestLogException($"cannot read '{path}': {e.Message}", e);
        }

        using (stream)
        {
            try
            {
                ReadStream(path, stream, data);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new RequestLogException($"cannot read '{path}': {e.Message}", e);
            }
        }
    }

    private void ReadStream(string path, Stream stream, RequestLogData data)
    {
        byte[] buffer = new byte[InitialBufferBytes];
        int start = 0;
        int end = 0;
        bool eof = false;
        long lineNumber = 1;
        ColumnMap? map = null;
        while (true)
        {
            ReadOnlySpan<byte> pending = buffer.AsSpan(start, end - start);

            // A line break always ends a record, even inside quotes: no request-log field can hold
            // one (HTTP forbids them in what is logged), and a line truncated inside a quoted field
            // must not swallow the good lines after it.
            int newline = pending.IndexOf((byte)'\n');
            ReadOnlySpan<byte> record;
            if (newline >= 0)
            {
                record = pending[..newline];
                start += newline + 1;
            }
            else if (!eof)
            {
                if (start > 0)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                }

                if (end == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                int read = stream.Read(buffer, end, buffer.Length - end);
                _bytes += read;
                eof = read == 0;
                end += read;
                continue;
            }
            else if (pending.IsEmpty)
            {
                break;
            }
            else
            {
                record = pending;
                start = end;
            }

            if (!record.IsEmpty && record[^1] == (byte)'\r')
            {
                record = record[..^1];
            }

            if (map is null)
            {
                if (lineNumber == 1 && record.StartsWith("\uFEFF"u8))
                {
                    record = record[3..];
                }

                map = ParseHeader(path, record);
            }
            else if (!record.IsEmpty)
            {
                _lines++;
                if (!TryParseRecord(record, map, data, out string? reason))
                {
                    _badLines++;
                    if (_samples.Count < SampleCount)
                    {
                        _samples.Add($"{path}:{lineNumber}: {reason}");
                    }
                }
            }

            lineNumber++;
        }

        if (map is null)
        {
            throw new RequestLogException($"'{path}' is empty: no header line");
        }
    }

    private ColumnMap ParseHeader(string path, ReadOnlySpan<byte> header)
    {
        EnsureFieldCapacity(Math.Max(header.Count((byte)',') + 1, 1));
        if (!TrySplit(header, out int fieldCount, out string? reason))
        {
            throw new RequestLogException($"'{path}' line 1: bad header: {reason}");
        }

        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        Span<byte> scratch = stackalloc byte[256];
        for (int i = 0; i < fieldCount; i++)
        {
            string name = Encoding.UTF8.GetString(Field(header, i, scratch)).Trim();
            if (!positions.TryAdd(name, i))
            {
                throw new RequestLogException($"'{path}' line 1: column '{name}' appears twice");
            }
        }

        var missing = new List<string>();
        foreach (string column in RequestLogColumns.Required)
        {
            if (!positions.ContainsKey(column))
            {
                missing.Add(column);
            }
        }

        if (missing.Count > 0)
        {
            throw new RequestLogException(
                $"'{path}' lacks required column{(missing.Count > 1 ? "s" : string.Empty)} {string.Join(", ", missing)} (request log columns: docs/FORMATS.md)");
        }

        EnsureFieldCapacity(fieldCount);
        return new ColumnMap(fieldCount, positions);
    }

    private bool TryParseRecord(ReadOnlySpan<byte> record, ColumnMap map, RequestLogData data, out string? reason)
    {
        if (!TrySplit(record, out int fieldCount, out reason))
        {
            return false;
        }

        if (fieldCount != map.FieldCount)
        {
            reason = $"expected {map.FieldCount} fields, found {fieldCount}";
            return false;
        }

        Span<byte> scratch = stackalloc byte[512];
        if (!TryLong(record, map.Timestamp, scratch, out long timestamp))
        {
            reason = $"{RequestLogColumns.Timestamp}: not an integer";
            return false;
        }

        if (!TryNumber(record, map.LatencyMs, scratch, required: true, out double latency) || !(latency >= 0))
        {
            reason = $"{RequestLogColumns.LatencyMs}: not a latency";
            return false;
        }

        RequestLogRow row = default;
        row.BackendCode = Code(_backends, Field(record, map.Backend, scratch));
        row.RouteCode = Code(_routes, Field(record, map.Route, scratch));
        row.Method = LatencyFeatures.ParseMethod(Field(record, map.Method, scratch));
        if (!TryNumber(record, map.RequestBytes, scratch, required: false, out row.RequestBytes)
            || !TryNumber(record, map.InFlightBackend, scratch, required: false, out row.InFlightBackend)
            || !TryNumber(record, map.InFlightPool, scratch, required: false, out row.InFlightPool)
            || !TryNumber(record, map.EwmaLatencyMs, scratch, required: false, out row.EwmaLatencyMs)
            || !TryNumber(record, map.EwmaErrorRate, scratch, required: false, out row.EwmaErrorRate)
            || !TryNumber(record, map.BackendCpu, scratch, required: false, out row.BackendCpu)
            || !TryNumber(record, map.BackendActive, scratch, required: false, out row.BackendActive)
            || !TryNumber(record, map.BackendAvgMs, scratch, required: false, out row.BackendAvgMs))
        {
            reason = "a numeric column holds something else";
            return false;
        }

        data.Add(row, (float)latency, timestamp);
        reason = null;
        return true;
    }

    private int Code(FeatureVocabulary vocabulary, ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return -1;
        }

        // Backend ids and routes are short; a longer one takes the allocating path, rarely.
        Span<char> chars = utf8.Length <= 256 ? stackalloc char[256] : new char[utf8.Length];
        int length = Encoding.UTF8.GetChars(utf8, chars);
        ReadOnlySpan<char> text = chars[..length];
        return _growVocabularies ? vocabulary.GetOrAdd(text) : vocabulary.CodeOf(text);
    }

    private bool TryLong(ReadOnlySpan<byte> record, int field, Span<byte> scratch, out long value)
    {
        ReadOnlySpan<byte> text = Field(record, field, scratch);
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }

        // A writer may print the timestamp as a float ("1.7E+12"); accept it when it is whole.
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) && number == Math.Floor(number)
            && Math.Abs(number) < 9e15)
        {
            value = (long)number;
            return true;
        }

        return false;
    }

    private bool TryNumber(ReadOnlySpan<byte> record, int field, Span<byte> scratch, bool required, out double value)
    {
        ReadOnlySpan<byte> text = Field(record, field, scratch);
        if (text.IsEmpty && !required)
        {
            // An empty optional value is as unknown as the log's -1.
            value = -1;
            return true;
        }

        // The rows keep floats: a value that is not finite as one ("Infinity", "NaN", or 1e39, past float's range)
        // would reach the trainer as an infinite label or feature, so it makes the line bad like any non-number.
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && float.IsFinite((float)value);
    }

    /// <summary>The bytes of field <paramref name="index"/> of the last split record, quotes removed and <c>""</c> unescaped into <paramref name="scratch"/>.</summary>
    private ReadOnlySpan<byte> Field(ReadOnlySpan<byte> record, int index, Span<byte> scratch)
    {
        ReadOnlySpan<byte> raw = record.Slice(_fieldStarts[index], _fieldLengths[index]);
        if (!_fieldEscaped[index])
        {
            return raw;
        }

        Span<byte> target = raw.Length <= scratch.Length ? scratch : new byte[raw.Length];
        int written = 0;
        for (int i = 0; i < raw.Length; i++)
        {
            target[written++] = raw[i];
            if (raw[i] == (byte)'"')
            {
                i++; // RFC 4180 2.7: a quote inside a quoted field is written twice.
            }
        }

        return target[..written];
    }

    /// <summary>Slices <paramref name="record"/> into fields (RFC 4180: commas, optional double quotes, <c>""</c> for a quote).</summary>
    private bool TrySplit(ReadOnlySpan<byte> record, out int fieldCount, out string? reason)
    {
        int position = 0;
        int index = 0;
        while (true)
        {
            if (index == _fieldStarts.Length)
            {
                fieldCount = index + 1;
                reason = $"more than {_fieldStarts.Length} fields";
                return false;
            }

            if (position < record.Length && record[position] == (byte)'"')
            {
                int close = position + 1;
                bool escaped = false;
                while (true)
                {
                    int quote = record[close..].IndexOf((byte)'"');
                    if (quote < 0)
                    {
                        fieldCount = index + 1;
                        reason = $"field {index + 1}: unterminated quote";
                        return false;
                    }

                    close += quote;
                    if (close + 1 < record.Length && record[close + 1] == (byte)'"')
                    {
                        escaped = true;
                        close += 2;
                        continue;
                    }

                    break;
                }

                _fieldStarts[index] = position + 1;
                _fieldLengths[index] = close - position - 1;
                _fieldEscaped[index] = escaped;
                position = close + 1;
                if (position == record.Length)
                {
                    break;
                }

                if (record[position] != (byte)',')
                {
                    fieldCount = index + 1;
                    reason = $"field {index + 1}: text after the closing quote";
                    return false;
                }

                position++;
                index++;
                continue;
            }

            int stop = record[position..].IndexOfAny((byte)',', (byte)'"');
            if (stop >= 0 && record[position + stop] == (byte)'"')
            {
                fieldCount = index + 1;
                reason = $"field {index + 1}: quote inside an unquoted field";
                return false;
            }

            _fieldStarts[index] = position;
            _fieldEscaped[index] = false;
            if (stop < 0)
            {
                _fieldLengths[index] = record.Length - position;
                break;
            }

            _fieldLengths[index] = stop;
            position += stop + 1;
            index++;
        }

        fieldCount = index + 1;
        reason = null;
        return true;
    }

    private void EnsureFieldCapacity(int count)
    {
        if (_fieldStarts.Length < count)
        {
            _fieldStarts = new int[count];
            _fieldLengths = new int[count];
            _fieldEscaped = new bool[count];
        }
    }

    /// <summary>Where each used column sits in one file's records.</summary>
    private sealed class ColumnMap(int fieldCount, Dictionary<string, int> positions)
    {
        public int FieldCount { get; } = fieldCount;

        public int Timestamp { get; } = positions[RequestLogColumns.Timestamp];

        public int Backend { get; } = positions[RequestLogColumns.Backend];

        public int Route { get; } = positions[RequestLogColumns.Route];

        public int Method { get; } = positions[RequestLogColumns.Method];

        public int RequestBytes { get; } = positions[RequestLogColumns.RequestBytes];

        public int LatencyMs { get; } = positions[RequestLogColumns.LatencyMs];

        public int InFlightBackend { get; } = positions[RequestLogColumns.InFlightBackend];

        public int InFlightPool { get; } = positions[RequestLogColumns.InFlightPool];

        public int EwmaLatencyMs { get; } = positions[RequestLogColumns.EwmaLatencyMs];

        public int EwmaErrorRate { get; } = positions[RequestLogColumns.EwmaErrorRate];

        public int BackendCpu { get; } = positions[RequestLogColumns.BackendCpu];

        public int BackendActive { get; } = positions[RequestLogColumns.BackendActive];

        public int BackendAvgMs { get; } = positions[RequestLogColumns.BackendAvgMs];
    }
}

using System.Buffers;
using FastLb.RequestLog;

namespace FastLb.Proxy.Logging;

/// <summary>Appends records to a CSV file in the request-log format (docs/FORMATS.md), with the header when the file is new.</summary>
internal sealed class CsvRequestLogSink : IRequestLogSink
{
    private readonly FileStream _file;
    private readonly ArrayBufferWriter<byte> _lines = new(1 << 16);

    /// <summary>Opens (appends to) <paramref name="path"/>, creating its folder.</summary>
    public CsvRequestLogSink(string path)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        bool isNew = !File.Exists(path) || new FileInfo(path).Length == 0;
        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 16);
        if (isNew)
        {
            RequestLogCsv.WriteHeader(_lines);
        }

        Target = path;
    }

    /// <inheritdoc />
    public string Target { get; }

    /// <inheritdoc />
    public async ValueTask WriteAsync(IReadOnlyList<RequestLogEntry> batch)
    {
        for (int i = 0; i < batch.Count; i++)
        {
            RequestLogCsv.Write(_lines, batch[i]);
        }

        await _file.WriteAsync(_lines.WrittenMemory).ConfigureAwait(false);
        await _file.FlushAsync().ConfigureAwait(false);
        _lines.ResetWrittenCount();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_lines.WrittenCount > 0)
        {
            await _file.WriteAsync(_lines.WrittenMemory).ConfigureAwait(false);
        }

        await _file.DisposeAsync().ConfigureAwait(false);
    }
}
